//! Timeline entries: lines, bullets, table rows and headings whose first element is a clock
//! time or a time range. Code blocks are never read.
//!
//! | written                                             | time            | note                          |
//! |-----------------------------------------------------|-----------------|-------------------------------|
//! | `- 10:05 AM: engineers paged`                       | 10:05           | `-`, `*`, `+`, `•` bullets     |
//! | `3. 14:20 UTC - rollback started`                   | 14:20           | numbered, zone kept           |
//! | `### 09:14`, `**18:46:** text`, `` `10:03:15` - x`` | 09:14, …        | heading marks, bold, code span|
//! | `\| 08:15 \| failover begins \|`                    | 08:15           | table rows (first cell)        |
//! | `2025-12-18 13:07 — trigger`, `May 10, 2022, 2:00 PM (UTC): x` | 13:07, 14:00 | a leading date is skipped |
//! | `At 3:15 PM: ticket opened`, `Update: 18:52 found it` | 15:15, 18:52  | `At`/`Update` prefixes        |
//! | `10:00 AM - 12:00 PM: investigation`                | 10:00–12:00     | ranges                        |
//! | `2:00 PM UTC` alone on its line                     | 14:00           | text on the next line         |
//! | `08:00 AM: a. 08:05 AM: b. 08:10 AM: c.`            | three entries   | run together in one paragraph |
//! | `a<br>**Update: 20:09** b`                          | 20:09           | `<br>`-joined updates         |
//! | `* **[Start Time + 10 minutes] PST:** alert`        | relative +10    | placeholder times             |
//! | `T+10m: paged`                                      | relative +10    | used for the duration only    |
//! | `    10:00 alert fired` indented in the timeline's section | 10:00   | indented entries              |
//! | not: `Issue detected: 10:00 AM`, `At 11:37 am we found…` (a prose paragraph), code blocks |
//! | not: `    2024-02-11T04:00:03Z ERROR …` indented after a blank line outside the timeline's section (a quoted sample) |

use std::sync::LazyLock;

use jiff::civil::Time;
use regex::Regex;

use super::hints::Hints;
use super::when::{self, DateVal, TimeTok};
use super::window::head;
use super::Line;
use crate::model::{TimelineEntry, Zone};

/// One time-stamped item, with what the window and duration rules need.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub line: u32,
    /// Clock time; `None` for relative markers.
    pub time: Option<Time>,
    pub tok: Option<TimeTok>,
    pub until: Option<Time>,
    pub date: Option<DateVal>,
    pub zone: Option<Zone>,
    /// Minutes from the start for relative markers (`T+10m`, `[Start Time + 1 hour]`).
    pub relative: Option<i64>,
    /// Placeholder markers (`[Start Time]`) count as entries; `T+…` markers do not.
    pub counted: bool,
    pub label: String,
    pub text: String,
}

impl Entry {
    pub fn public(&self) -> TimelineEntry {
        TimelineEntry {
            time: self.label.clone(),
            text: self.text.clone(),
            line: self.line,
        }
    }

    /// [`Entry::public`], without copying.
    pub fn into_public(self) -> TimelineEntry {
        TimelineEntry {
            time: self.label,
            text: self.text,
            line: self.line,
        }
    }
}

static PREFIX_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^(?:at|update|around|about|approx\.?|approximately|~)(?-u:\b)\s*:?\s*").unwrap()
});
static RANGE_SEP_RE: LazyLock<Regex> =
    LazyLock::new(|| super::re(r"(?i)^\s*(?:-+|–|—|to|until|till)\s*").unwrap());
static PLACEHOLDER_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^\[\s*(?:start(?:\s+time)?|incident\s+start|t0?)\s*(?:\+\s*(\d+(?:\.\d+)?)\s*(minutes?|mins?|m|hours?|hrs?|h))?\s*\]").unwrap()
});
static RELATIVE_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^T\s*(?:\+\s*(\d+(?:\.\d+)?)\s*(minutes?|mins?|m|hours?|hrs?|h)?|0)(?-u:\b)")
        .unwrap()
});
static RUN_TOGETHER_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?:^|\s)(\d{1,2}:\d{2}(?:\s?[ap]\.?m\.?)?)(?:\s*\(?[A-Z]{2,5}\)?)?\s*:\s")
        .unwrap()
});
/// `2:17 PM (GMT) End-time: …`: a summary line, not an event.
static LABEL_NEXT_RE: LazyLock<Regex> =
    LazyLock::new(|| super::re(r"(?i)^(?:end|start|finish)(?:[\s-]*(?:time|date))?\s*:").unwrap());
static BR_RE: LazyLock<Regex> = LazyLock::new(|| super::re(r"(?i)<br\s*/?>").unwrap());

fn strip_emphasis(s: &str) -> &str {
    let n = s
        .bytes()
        .take_while(|c| matches!(c, b'*' | b'_' | b'`' | b' ' | b'\t' | b'~'))
        .count();
    &s[n..]
}

/// All timeline entries of the document, in order.
pub fn find(lines: &[Line]) -> Vec<Entry> {
    // About one entry per line that may hold a time (or a `[Start Time]` placeholder).
    let mut out = Vec::with_capacity(
        lines
            .iter()
            .filter(|l| l.hints.any(Hints::TIME | Hints::BRACKET | Hints::NOON))
            .count(),
    );
    // A heading on the first line is the title, even when it starts with a time.
    let title_line = lines
        .iter()
        .find(|l| !super::trim(l.text).is_empty())
        .filter(|l| super::trim_start(l.text).starts_with('#'))
        .map(|l| l.no);
    // Read only when an entry is found on an indented line (rare).
    let mut samples: Option<Vec<bool>> = None;
    for (i, line) in lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.code && Some(l.no) != title_line)
    {
        // Every entry has a digit, a `[Start Time]` placeholder or `noon`/`midnight` (see
        // [`entry`]); so does every run of entries.
        if !line.hints.any(Hints::DIGIT | Hints::BRACKET | Hints::NOON) {
            continue;
        }
        if line.text.starts_with([' ', '\t'])
            && indent_columns(line.text) >= 4
            && samples.get_or_insert_with(|| quoted_samples(lines))[i]
        {
            continue;
        }
        let split = line.hints.any(Hints::LT).then(|| BR_RE.split(line.text));
        let whole = split.is_none().then_some(line.text);
        for part in split.into_iter().flatten().chain(whole) {
            let before = out.len();
            if let Some(mut e) = entry(part, line.no, line.hints) {
                if e.text.is_empty() {
                    e.text = following_text(&lines[i + 1..]);
                }
                out.push(e);
            }
            let colons = || memchr::memchr_iter(b':', part.as_bytes()).count();
            // Items run together have times (`08:00 AM: …`), so the line has a time hint.
            if line.hints.has(Hints::TIME)
                && (out.len() == before || out.last().is_some_and(|e: &Entry| e.text.len() > 80))
                && colons() >= 6
            {
                run_together(part, line.no, &mut out, before);
            }
        }
    }
    out
}

/// The columns of white space that `text` starts with (a tab goes on to the next multiple
/// of four, as in Markdown).
fn indent_columns(text: &str) -> usize {
    let mut cols = 0;
    for c in text.bytes() {
        match c {
            b' ' => cols += 1,
            b'\t' => cols += 4 - cols % 4,
            _ => break,
        }
    }
    cols
}

/// For each line, true when it quotes a sample (a log excerpt, a command and its output)
/// rather than listing events: indented as a code block (four columns or more, after a
/// blank line or another such line, not a list item) outside the timeline's section. A
/// timeline's section runs from a heading that names it (`## Timeline`, `Timeline:`,
/// `**Timeline (UTC)**`) to the next heading; indented lines there are its entries.
#[cold]
fn quoted_samples(lines: &[Line]) -> Vec<bool> {
    let blank = |i: usize| {
        lines
            .get(i)
            .map_or(true, |l| super::trim(l.text).is_empty())
    };
    let mut out = vec![false; lines.len()];
    let mut in_timeline = false;
    for (i, l) in lines.iter().enumerate() {
        if l.code {
            continue;
        }
        let prev_blank = i == 0 || blank(i - 1);
        if let Some(names_timeline) = heading(l.text, prev_blank, || {
            blank(i + 1) || underline(lines[i + 1].text)
        }) {
            in_timeline = names_timeline;
            continue;
        }
        let t = super::trim(l.text);
        let indented = !t.is_empty() && indent_columns(l.text) >= 4 && list_mark_len(t).is_none();
        out[i] = indented && !in_timeline && (prev_blank || out[i - 1]);
    }
    out
}

/// `---` or `===` under a Setext heading.
fn underline(text: &str) -> bool {
    let t = super::trim(text);
    !t.is_empty() && (t.bytes().all(|c| c == b'-') || t.bytes().all(|c| c == b'='))
}

/// Whether `text` is a heading, and if so whether it names the timeline: a Markdown heading
/// (`#`, or a line over `---`/`===`), a line in bold, a short label ending with a colon
/// (`Root cause:`), or in plain text a short line of words alone between blank lines
/// (`Root Cause and Resolution`; one that names the timeline need not follow a blank line).
/// `alone` says the next line is blank or an underline.
fn heading(text: &str, prev_blank: bool, alone: impl FnOnce() -> bool) -> Option<bool> {
    let t = super::trim(text);
    let names = || Some(t.to_ascii_lowercase().contains("timeline"));
    if t.is_empty() || indent_columns(text) >= 4 {
        return None;
    }
    if t.starts_with('#') || (t.len() > 4 && t.starts_with("**") && t.ends_with("**")) {
        return names();
    }
    if list_mark_len(t).is_some() {
        return None;
    }
    // (Counted only where the count decides: most lines are neither labels nor short.)
    let words = || t.split_whitespace().count();
    if t.trim_end_matches(['*', '_']).ends_with(':') && words() <= 5 {
        return names();
    }
    let plain = t.len() < 60
        && t.starts_with(|c: char| c.is_ascii_uppercase())
        && t.ends_with(|c: char| c.is_ascii_alphanumeric() || c == ')')
        && words() <= 6
        && !t
            .bytes()
            .any(|c| c.is_ascii_digit() || matches!(c, b'.' | b',' | b';'));
    if plain && (prev_blank || names() == Some(true)) && alone() {
        return names();
    }
    None
}

/// The description of an entry whose time stands alone (a `### 09:14` heading, a bold time,
/// a time on its own line): the next paragraph, up to the next heading or entry.
fn following_text(rest: &[Line]) -> String {
    let mut parts = Vec::new();
    for l in rest.iter().skip_while(|l| l.text.trim().is_empty()) {
        let t = l.text.trim();
        if t.is_empty() || l.code || t.starts_with('#') || entry(t, l.no, l.hints).is_some() {
            break;
        }
        parts.push(t);
        if parts.len() == 3 {
            break;
        }
    }
    tidy(&parts.join(" "))
}

/// Several `TIME: text` items in one paragraph (three or more make a timeline).
fn run_together(part: &str, no: u32, out: &mut Vec<Entry>, before: usize) {
    let hits: Vec<_> = RUN_TOGETHER_RE.captures_iter(part).collect();
    if hits.len() < 3 {
        return;
    }
    out.truncate(before);
    for (i, c) in hits.iter().enumerate() {
        let m = c.get(1).unwrap();
        let Some(tok) = when::times(m.as_str()).into_iter().next() else {
            continue;
        };
        let text_start = c.get(0).unwrap().end();
        let text_end = hits
            .get(i + 1)
            .map_or(part.len(), |n| n.get(0).unwrap().start());
        let text = part
            .get(text_start..text_end.max(text_start))
            .unwrap_or("")
            .trim();
        let t = tok.time();
        out.push(Entry {
            line: no,
            time: Some(t),
            tok: Some(tok),
            until: None,
            date: None,
            zone: when::zone_after(part, m.end()).map(|z| z.zone),
            relative: None,
            counted: true,
            label: clock_label(t),
            text: text.to_string(),
        });
    }
}

/// The entry `raw` starts with, if any; `hints` are those of its line.
fn entry(raw: &str, no: u32, hints: Hints) -> Option<Entry> {
    // Fast path: an entry has a digit (or a `[Start Time]` placeholder, `noon`, `midnight`)
    // near the start of its line.
    if !hints.any(Hints::DIGIT | Hints::BRACKET | Hints::NOON) {
        return None;
    }
    let h = head(raw, 96);
    let noon = || hints.any(Hints::NOON) && when::mentions_noon(h);
    if !h.bytes().any(|b| b.is_ascii_digit() || b == b'[') && !noon() {
        return None;
    }
    let mut s = super::trim_start(raw);
    while let Some(r) = s.strip_prefix('>') {
        s = super::trim_start(r);
    }
    if let Some(r) = s.strip_prefix('|') {
        if super::trim_start(r).starts_with([':', '-'])
            && r.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
        {
            return None;
        }
        let first_end = memchr::memchr(b'|', r.as_bytes()).unwrap_or(r.len());
        s = super::trim_start(&r[..first_end]);
        let mut e = entry(s, no, hints)?;
        if e.text.is_empty() {
            let cells = r.get(first_end + 1..).unwrap_or("");
            let mut rest = String::with_capacity(cells.len() + 8);
            for cell in cells.split('|').map(super::trim).filter(|c| !c.is_empty()) {
                if !rest.is_empty() {
                    rest.push_str(" — ");
                }
                rest.push_str(cell);
            }
            e.text = tidy_owned(rest);
        }
        return Some(e);
    }
    let mut listed = false;
    if s.starts_with('#') {
        s = s.trim_start_matches('#').trim_start();
        listed = true;
    }
    s = strip_emphasis(s);
    if let Some(n) = list_mark_len(s) {
        s = &s[n..];
        listed = true;
    }
    s = strip_emphasis(s);
    // An optional leading date.
    let mut date = None;
    // Only the first token matters: look at the head of the line, so a line costs O(1).
    let clock_first = {
        let b = s.as_bytes();
        let n = b.iter().take(2).take_while(|c| c.is_ascii_digit()).count();
        n > 0 && matches!(b.get(n), Some(b':'))
    };
    let leading_date = if clock_first
        || !(s.starts_with(|c: char| c.is_ascii_digit()) || when::starts_with_month(s))
    {
        None
    } else {
        match when::iso_date_at_start(s) {
            Some(iso) => iso,
            None => when::dates_in_part(head(s, 64), hints).into_iter().next(),
        }
    };
    if let Some(d) = leading_date.filter(|d| d.start == 0) {
        date = Some(d.value);
        s = s[d.end..].trim_start_matches([
            ',', ' ', '\t', '@', '-', '–', '—', '*', '_', '`', '(', ')', ':',
        ]);
        if let Some(r) = s.strip_prefix("at ") {
            s = r.trim_start();
        }
        s = s.trim_start_matches(['T']);
    }
    let mut prefixed = false;
    let may_prefix = s.starts_with(['a', 'A', 'u', 'U', '~']);
    if let Some(m) = may_prefix.then(|| PREFIX_RE.find(s)).flatten() {
        if when::time_at_start(&s[m.end()..]).is_some() || PLACEHOLDER_RE.is_match(&s[m.end()..]) {
            prefixed = !m.as_str().to_ascii_lowercase().starts_with("update");
            s = &s[m.end()..];
        }
    }
    s = strip_emphasis(s);

    if let Some(c) = s
        .starts_with('[')
        .then(|| PLACEHOLDER_RE.captures(s))
        .flatten()
    {
        let rel = relative_minutes(c.get(1).map(|m| m.as_str()), c.get(2).map(|m| m.as_str()));
        let label = c.get(0).unwrap().as_str().to_string();
        let rest = &s[c.get(0).unwrap().end()..];
        let zone = when::zone_after(s, c.get(0).unwrap().end());
        let rest = zone.as_ref().map_or(rest, |z| &s[z.end..]);
        return Some(Entry {
            line: no,
            time: None,
            tok: None,
            until: None,
            date,
            zone: zone.map(|z| z.zone),
            relative: rel,
            counted: true,
            label,
            text: tidy(rest),
        });
    }
    if let Some(c) = s
        .starts_with(['T', 't'])
        .then(|| RELATIVE_RE.captures(s))
        .flatten()
    {
        let rel = relative_minutes(c.get(1).map(|m| m.as_str()), c.get(2).map(|m| m.as_str()));
        let rest = &s[c.get(0).unwrap().end()..];
        if rest
            .trim_start()
            .starts_with([':', '-', '–', '—', ']', ')', '*'])
            || listed
        {
            return Some(Entry {
                line: no,
                time: None,
                tok: None,
                until: None,
                date,
                zone: None,
                relative: rel.or(Some(0)),
                counted: false,
                label: c.get(0).unwrap().as_str().to_string(),
                text: tidy(rest),
            });
        }
        return None;
    }

    if !s.starts_with(|c: char| c.is_ascii_digit() || c == 'n' || c == 'N' || c == 'm' || c == 'M')
    {
        return None;
    }
    let tok = when::time_at_start(s)?;
    let mut end = tok.end;
    let mut first = tok;
    let mut until = None;
    // A range goes on with a dash, `to`, `until` or `till`.
    let may_range = super::trim_start(&s[end..]).starts_with(['-', '–', '—', 't', 'T', 'u', 'U']);
    if let Some(m) = may_range.then(|| RANGE_SEP_RE.find(&s[end..])).flatten() {
        let after = end + m.end();
        if let Some(t2) = when::time_at_start(&s[after..]) {
            first = tok.with_meridiem_of(&t2, true);
            let t2 = t2.with_meridiem_of(&tok, false);
            until = Some(t2.time());
            end = after + t2.end;
        }
    }
    let zone = when::zone_after(s, end);
    if let Some(z) = &zone {
        end = z.end;
    }
    let rest = &s[end..];
    let rest_t = super::trim_start_bytes(rest, b" \t*_`)]");
    if rest_t.starts_with(['e', 'E', 's', 'S', 'f', 'F']) && LABEL_NEXT_RE.is_match(rest_t) {
        return None;
    }
    // A prose paragraph that opens with "At 11:37 am we …" is narrative, not a timeline item.
    if prefixed && !listed && !rest_t.starts_with([':', '-', '–', '—', ',']) && !rest_t.is_empty()
    {
        return None;
    }
    // "10:00 AM and 11:00 AM were…" or "12:00 is when…": not an item unless it reads like one.
    if rest_t.starts_with(|c: char| c.is_ascii_lowercase())
        && !listed
        && !prefixed
        && rest_t.len() > 60
    {
        let lower = rest_t.to_ascii_lowercase();
        if lower.starts_with("and ") || lower.starts_with("or ") || lower.starts_with("is ") {
            return None;
        }
    }
    let t = first.time();
    let mut label = clock_label(t);
    if let Some(u) = until {
        label.push('–');
        label.push_str(&clock_label(u));
    }
    Some(Entry {
        line: no,
        time: Some(t),
        tok: Some(first),
        until,
        date,
        zone: zone.map(|z| z.zone),
        relative: None,
        counted: true,
        label,
        text: tidy(rest),
    })
}

/// `09:05`.
fn clock_label(t: Time) -> String {
    let (h, m) = (t.hour() as u8, t.minute() as u8);
    let mut out = String::with_capacity(5);
    for c in [
        b'0' + h / 10,
        b'0' + h % 10,
        b':',
        b'0' + m / 10,
        b'0' + m % 10,
    ] {
        out.push(char::from(c));
    }
    out
}

/// Length of a list marker with its trailing white space: `- `, `•\t`, `3. `, `b) `, `[x] `.
fn list_mark_len(s: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    let (_, c) = chars.next()?;
    let after = |i: usize| {
        let rest = &s[i..];
        let n = rest.len() - super::trim_start_bytes(rest, b" \t").len();
        (n > 0).then_some(i + n)
    };
    if matches!(c, '-' | '*' | '+' | '•' | '‣' | '▪' | '◦' | '–' | '—') {
        return after(c.len_utf8());
    }
    let b = s.as_bytes();
    if c.is_ascii_digit() {
        let d = b.iter().take(4).take_while(|x| x.is_ascii_digit()).count();
        return (d <= 3 && matches!(b.get(d), Some(b'.' | b')')))
            .then(|| after(d + 1))
            .flatten();
    }
    if c.is_ascii_lowercase() {
        return matches!(b.get(1), Some(b'.' | b')'))
            .then(|| after(2))
            .flatten();
    }
    if c == '[' && matches!(b.get(1), Some(b' ' | b'x' | b'X')) && b.get(2) == Some(&b']') {
        return after(3);
    }
    None
}

fn relative_minutes(n: Option<&str>, unit: Option<&str>) -> Option<i64> {
    let Some(n) = n else { return Some(0) };
    let n: f64 = n.parse().ok()?;
    let unit = unit.unwrap_or("m").to_ascii_lowercase();
    let mins = if unit.starts_with('h') { n * 60.0 } else { n };
    Some(mins.round() as i64)
}

fn tidy(rest: &str) -> String {
    super::squeeze(tidy_ends(rest))
}

/// [`tidy`] of a text already owned, kept when it is tidy.
fn tidy_owned(rest: String) -> String {
    let t = tidy_ends(&rest);
    match super::squeeze_cow(t) {
        std::borrow::Cow::Borrowed(b) if b.len() == rest.len() => rest,
        c => c.into_owned(),
    }
}

/// `rest` without the marks and white space [`tidy`] drops at its ends.
fn tidy_ends(rest: &str) -> &str {
    // What `trim_start_matches` with these marks does, a byte at a time.
    let mut t = rest;
    loop {
        match t.as_bytes().first() {
            Some(b' ' | b'\t' | b'*' | b'_' | b'`' | b')' | b']' | b':' | b'-' | b'|' | b',') => {
                t = &t[1..];
            }
            _ => match t.strip_prefix(['–', '—']) {
                Some(r) => t = r,
                None => break,
            },
        }
    }
    t.trim_end().trim_end_matches('|')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::lines;

    fn count(text: &str) -> usize {
        find(&lines(text, 1)).iter().filter(|e| e.counted).count()
    }

    #[test]
    fn accepted_forms() {
        let cases: &[(&str, &str)] = &[
            ("- 10:05 AM: engineers paged", "10:05"),
            ("* 10:05 PM — pager fired", "22:05"),
            ("+ 09:30 UTC: disk alarm", "09:30"),
            ("•\t11:00 AM: cache flushed", "11:00"),
            ("3. 14:20 UTC - rollback started", "14:20"),
            ("### 09:14", "09:14"),
            ("**18:46:** metrics stop arriving", "18:46"),
            ("`10:03:15` - badge cache emptied", "10:03"),
            ("| 08:15 | failover begins |", "08:15"),
            (
                "- **2025-12-18 13:07:00+00:00** — trigger — bad config",
                "13:07",
            ),
            (
                "May 10, 2022, 2:00 PM (UTC): database stopped answering",
                "14:00",
            ),
            ("### 2018-01-18 4:19", "04:19"),
            (
                "- At 3:15 PM Eastern time, the first ticket arrived",
                "15:15",
            ),
            ("At 11:37 am: the queue stalled", "11:37"),
            ("**Update: 18:52** we found the cause", "18:52"),
            ("10:00 AM - 12:00 PM: investigation", "10:00–12:00"),
            ("- 1:30pm-2:30pm: cache rebuilt", "13:30–14:30"),
            ("2:00 PM UTC", "14:00"),
            ("12:45 AM\tAll traffic is back", "00:45"),
            ("> - 09:00 : ticket queue frozen", "09:00"),
            ("# 10:00 AM: site down", "10:00"),
            ("- *16:00 PST:* report page returns 502", "16:00"),
            ("- 08.45 UTC UTC: some hosts unreachable", "08:45"),
        ];
        for (text, want) in cases {
            // A first-line heading is the title, so each case follows one.
            let doc = format!("# Incident\n{text}");
            let got = find(&lines(&doc, 1));
            assert_eq!(got.len(), 1, "{text}");
            assert_eq!(got[0].label, *want, "{text}");
        }
    }

    #[test]
    fn not_timeline_items() {
        for text in [
            "Issue detected: 10:00 AM",
            "**Start:** 14:00 UTC",
            "At 11:37 am EAT the load balancer started to refuse connections because of a bad rule.",
            "- May 10-11, 2022: long night",
            "```\n10:00 log line\n```",
            "We deployed at 10:00.",
            "T0 - 12 minutes of chaos",
        ] {
            assert_eq!(count(text), 0, "{text}");
        }
    }

    /// Indented lines: entries in a timeline's section, quoted samples elsewhere.
    #[test]
    fn indented_lines() {
        let cases: &[(&str, &[&str])] = &[
            // A log excerpt quoted in the root-cause section of a plain-text postmortem.
            (
                "Timeline:\n\n- 09:10 AM: queue stalls\n\nWhat Went Wrong\n\nThe relay logged one line:\n\n    2024-02-11T04:00:03Z ERROR relay status=503 retry=6\n\nNobody watched it.\n",
                &["09:10"],
            ),
            // The same under a Markdown heading, tab-indented, two lines long.
            (
                "## Timeline\n\n- 09:10 queue stalls\n\n## Cause\n\n\t04:00:03 relay: 503\n\t04:00:09 relay: 503\n",
                &["09:10"],
            ),
            // Indented entries under `Timeline:` in plain text, with or without a blank line.
            (
                "Timeline:\n    10:00 AM - alert fired\n    10:20 AM - rollback\n",
                &["10:00", "10:20"],
            ),
            (
                "Timeline (UTC)\n\n    10:00 alert fired\n\n    10:20 rollback\n\nRoot cause:\n\n    11:00 not an event\n",
                &["10:00", "10:20"],
            ),
            // Under a Markdown timeline heading, between question bullets.
            (
                "### Timeline\n* when was it detected:\n\n\t2:17 PM (GMT)\n\n* what was done\n\n\t2:20 PM (GMT) restarted the proxy\n",
                &["14:17", "14:20"],
            ),
            // Indented list items and continuation lines are not code samples.
            (
                "Root cause:\n\n    - 11:00 the cron job starts\n",
                &["11:00"],
            ),
            (
                "Notes\n- 11:00 the cron job starts\n    11:05 and fails\n",
                &["11:00", "11:05"],
            ),
        ];
        for (text, want) in cases {
            let doc = format!("# Incident\n{text}");
            let got: Vec<String> = find(&lines(&doc, 1))
                .into_iter()
                .filter(|e| e.counted)
                .map(|e| e.label)
                .collect();
            assert_eq!(got, *want, "{text}");
        }
    }

    #[test]
    fn run_together_and_br() {
        assert_eq!(
            count(
                "Report\n#Timeline 08:00 AM: alert. 08:05 AM: paged. 08:10 AM: rollback. 08:30 AM: fixed."
            ),
            4
        );
        assert_eq!(
            count("Slow pages.<br /><br />**Update: 18:52** found it<br />**Update 20:09** fixed"),
            2
        );
    }

    #[test]
    fn a_title_heading_with_a_time_is_not_an_entry() {
        let doc = "# 2017-11-30 4:23PM PST, proxy OOM\n\n### 16:22 PST\nnode out of memory\n";
        assert_eq!(count(doc), 1);
    }

    #[test]
    fn relative_markers() {
        let e = find(&lines(
            "* **[Start Time + 2 hours] PST:** patch out\n- T+10m: paged\n",
            1,
        ));
        assert_eq!(e[0].relative, Some(120));
        assert!(e[0].counted);
        assert_eq!(e[0].zone.as_ref().unwrap().written, "PST");
        assert_eq!(e[1].relative, Some(10));
        assert!(!e[1].counted);
    }
}
