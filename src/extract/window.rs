//! The outage window: which of the dates, times and zones in the text say when the outage
//! started and ended. Explicit statements win over the timeline.
//!
//! | written                                                               | start–end        | rule            |
//! |-----------------------------------------------------------------------|------------------|-----------------|
//! | `Start: 2024-06-05 14:00 UTC` … `End: 2024-06-05 16:30 UTC`           | 14:00–16:30      | `start_end`     |
//! | `Duration: October 15, 2023, 14:00 GMT - October 15, 2023, 16:30 GMT` | 14:00–16:30      | `range`         |
//! | `from 10:00 AM to 12:30 PM (PST)`, `between 4:44PM and 5:45PM`         | 10:00–12:30, …   | `range`         |
//! | `10:00 AM to 2:00 PM on May 3, 2024 (UTC-5)`                          | date after range | `range`         |
//! | `started at 13:00PM and was resolved around 14:50PM`                  | 13:00–14:50      | `range`         |
//! | `Between 4am-7am EST`, `from 2:00 to 3:30 AM`                         | 04:00–07:00, …   | `range`         |
//! | `from 0233 to 0239`                                                   | 02:33–02:39      | `military`      |
//! | `The outage began at 06:05 CAT`                                       | 06:05–?          | `start`         |
//! | only a timeline                                                       | first event – last recovery event | `timeline` |
//! | a timeline whose first event is a recovery (`08:45 - … has been restored`) | ? – last recovery event | `timeline` |
//!
//! The date is the start's own date, else a date on the statement's line, the timeline's
//! date, a date in the title, or the first date in the text (deadlines skipped).

use std::sync::LazyLock;

use jiff::civil::{Date, Time};
use regex::Regex;

use super::hints::Hints;
use super::timeline::Entry;
use super::when::{self, DateTok, DateVal, TimeTok, ZoneTok};
use super::Line;
use crate::model::Zone;

/// A clock time with the date and zone written next to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    pub tok: TimeTok,
    pub date: Option<DateVal>,
    pub zone: Option<Zone>,
    pub line: u32,
    /// Byte span in the line, including an attached date and zone.
    pub from: usize,
    pub to: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub start: Moment,
    pub end: Option<Moment>,
    pub rule: &'static str,
    /// The first date on the statement's line, for `On March 1, 2023, from 10:00 to …`.
    pub line_date: Option<DateVal>,
}

static PRE_DATE_GAP_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^[\s,(*_]*(?:(?:at|@|from|-|–|—|t|on)\s*)?[\s,(*_]*(?:(?:approximately|about|around|roughly|approx\.?|~)\s*)?$").unwrap()
});
static POST_DATE_GAP_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(
        r"(?i)^[\s,)*_]*(?:on\s+)?(?:the\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*)?$",
    )
    .unwrap()
});
static CONNECTOR_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^[\s,()*_]*(?:(?:to|until|till|through|thru|-+|–|—|→|&)|and(?:\s+(?:was|were|is|then|fully|finally|completely|it|and|fixed|resolved|ended|concluding|concluded|ending|restored|recovered|finished|mitigated|lasted|until|back|up))*(?:\s+(?:at|by|around|on|before))?)[\s,*_]*(?:(?:approximately|about|around|roughly|approx\.?)\s*)?(?:on\s+|at\s+)?[\s,(*_]*$").unwrap()
});
/// `… went down … and lasted until Friday, November 18th, at 3:01pm`.
static UNTIL_GAP_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^[^.;!?]{0,120}(?-u:\b)(?:until|till|through)(?-u:\b)[\s,]*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day)?[\s,]*(?:at|on)?[\s,]*$").unwrap()
});
static START_LABEL_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?-u:\b)(?:start(?:ed|ing)?|began|begin|outage\s+start)(?:[\s-]+(?:time|date))?(?:\s*\([^)]*\))?\s*\**\s*[:=]\s*\**[\s*_-]*$").unwrap()
});
static END_LABEL_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?-u:\b)(?:end(?:ed)?|resolved|recovered|outage\s+end)(?:[\s-]+(?:time|date|at))?(?:\s*\([^)]*\))?\s*\**\s*[:=]\s*\**[\s*_-]*$").unwrap()
});
/// `re.is_match(text)` for [`START_LABEL_RE`] and [`END_LABEL_RE`], which match only
/// where `text` ends with `:` or `=` and then nothing but white space, `*`, `_` and `-`:
/// most texts do not, and are refused without running the regex.
fn is_label(re: &Regex, text: &str) -> bool {
    text.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '*' | '_' | '-'))
        .ends_with([':', '='])
        && re.is_match(text)
}
static START_WORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?:^\W*from(?-u:\b)|(?-u:\b)(?:start(?:ed|ing)|began|beginning|commenc\w*|occurr\w*|since|duration|outage\s+(?:at|on)|encountered|experienced|happened|went\s+down|was\s+down|struck)(?-u:\b))").unwrap()
});
static START_TAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?-u:\b)(?:start(?:ed|ing|s)?|began|commenc\w*|occurr\w*|happened|went\s+down|outage|struck)(?-u:\b)").unwrap()
});
static MILITARY_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?-u:\b)from\s+([01]\d|2[0-3])([0-5]\d)\s*(?:to|until|till|-|–)\s*([01]\d|2[0-3])([0-5]\d)(?-u:\b)").unwrap()
});
static DEADLINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?-u:\b)(?:by|due|deadline|target|eta|before|until|completion|complete|scheduled|planned|published|posted|updated|written)(?-u:\b)[^.]{0,20}$").unwrap()
});
static RESOLVED_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?-u:\b)(?:resolved|resolution|restored|restore[sd]?|recovered|recovery|back\s+(?:up|online|on\s?line|to\s+normal|to\s+working|to\s+100|in\s+service|to\s+full)|fixed|fix\s+(?:is\s+|was\s+)?deployed|working\s+(?:again|normally|as\s+expected)|operational|normal\s+operations?|returned\s+(?:back\s+)?to\s+normal|everything\s+is\s+fine|things\s+are\s+(?:\w+\s+)?working|is\s+live|are\s+live|reachable|closed|mitigated|all\s+clear|stable|healthy|up\s+and\s+running|resumed|functional)(?-u:\b)").unwrap()
});
static NOT_RESOLVED_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?-u:\b)(?:post-?mortem|retrospective|follow-?up|review\s+meeting|not\s+(?:yet\s+)?(?:resolved|restored|fixed))(?-u:\b)").unwrap()
});
static ALL_TIMES_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?:all\s+times\s+(?:are\s+)?(?:in\s+|listed\s+in\s+)?|times?\s+(?:are\s+)?in\s+|time\s*zone\s*[:=]?\s*|timeline\s*\(|times?\s*\(|timezone\s+)").unwrap()
});

/// Every time in `text` with the date and zone written next to it.
pub fn moments(text: &str, line: u32) -> Vec<Moment> {
    moments_hinted(text, line, super::hints::of(text)).0
}

/// [`moments`] of a line whose [`Hints`] are known, with the line's dates (read only when
/// it has times: empty otherwise).
pub fn moments_hinted(text: &str, line: u32, hints: Hints) -> (Vec<Moment>, Vec<DateTok>) {
    // Gaps between a date and its time are short; longer ones are never read, which keeps
    // this linear in the line's length.
    const MAX_GAP: usize = 48;
    let (ts, ds) = when::times_and_dates_hinted(text, hints);
    let mut out: Vec<Moment> = Vec::with_capacity(ts.len());
    let mut used = vec![false; ds.len()];
    let mut di = 0; // dates ending at or before the current time
    for (i, t) in ts.iter().enumerate() {
        let prev_end = out.last().map_or(0, |m: &Moment| m.to.min(t.start));
        while di < ds.len() && ds[di].end <= t.start {
            di += 1;
        }
        let mut from = t.start;
        let mut date = None;
        if di > 0 {
            let k = di - 1;
            let d = &ds[k];
            if d.start >= prev_end
                && !used[k]
                && t.start - d.end <= MAX_GAP
                && PRE_DATE_GAP_RE.is_match(&text[d.end..t.start])
            {
                date = Some(d.value);
                from = d.start;
                used[k] = true;
            }
        }
        let mut to = t.end;
        let mut zone = when::zone_after(text, t.end).map(|z: ZoneTok| {
            to = z.end;
            z.zone
        });
        if date.is_none() {
            let next_time = ts.get(i + 1).map_or(text.len(), |n| n.start);
            let mut k = di;
            while k < ds.len() && ds[k].start < to {
                k += 1;
            }
            if let Some(d) = ds.get(k) {
                if d.end <= next_time
                    && !used[k]
                    && d.start - to <= MAX_GAP
                    && POST_DATE_GAP_RE.is_match(&text[to..d.start])
                {
                    date = Some(d.value);
                    to = d.end;
                    used[k] = true;
                    if zone.is_none() {
                        zone = when::zone_after(text, d.end).map(|z| {
                            to = z.end;
                            z.zone
                        });
                    }
                }
            }
        }
        out.push(Moment {
            tok: *t,
            date,
            zone,
            line,
            from,
            to,
        });
    }
    (out, ds)
}

/// The last `n` bytes of `s` (at a character boundary): regexes anchored at the end of
/// a prefix only ever look this far back, which keeps every scan linear.
pub fn tail(s: &str, n: usize) -> &str {
    let mut start = s.len().saturating_sub(n);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// The first `n` bytes of `s` (at a character boundary).
pub fn head(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn pair(a: &Moment, b: &Moment) -> (Moment, Moment) {
    let mut a = a.clone();
    let mut b = b.clone();
    let (ta, tb) = (a.tok, b.tok);
    a.tok = ta.with_meridiem_of(&tb, true);
    b.tok = tb.with_meridiem_of(&ta, false);
    if a.zone.is_none() {
        a.zone = b.zone.clone();
    }
    // "… until Friday, November 18th, at 3:01pm": the end's year is the start's.
    if let (Some(DateVal::Known(sd)), Some(DateVal::NoYear(m, d))) = (a.date, b.date) {
        if let Ok(ed) = Date::new(sd.year(), m, d) {
            if ed >= sd {
                b.date = Some(DateVal::Known(ed));
            }
        }
    }
    if a.date.is_none() {
        if let Some(DateVal::Known(_)) = b.date {
            // "from 10:00 AM to 2:00 PM on May 3": the date belongs to the whole range unless
            // the range crosses midnight.
            if a.tok.time() <= b.tok.time() {
                a.date = b.date;
            }
        }
    }
    (a, b)
}

/// The explicit statement of the window, if the text has one. `timeline_lines` are skipped
/// (a range in a timeline item is an event, not the outage).
pub fn statement(
    lines: &[Line],
    all_moments: &Moments,
    timeline_lines: &[u32],
) -> Option<Statement> {
    // A heading on the first line is the title: its date belongs to the title rules.
    let title_line = lines
        .iter()
        .find(|x| !x.text.trim().is_empty())
        .filter(|x| x.text.trim_start().starts_with('#'))
        .map(|x| x.no);
    // The timeline's lines, passed over in order.
    let mut entries = timeline_lines.iter().copied().peekable();
    let mut idx: Vec<usize> = Vec::with_capacity(lines.len());
    for (k, l) in lines.iter().enumerate() {
        if !l.code && !reached(&mut entries, l.no) && Some(l.no) != title_line {
            idx.push(k);
        }
    }
    let prose: Vec<&Line> = idx.iter().map(|&k| &lines[k]).collect();
    let cache: Vec<&Vec<Moment>> = idx.iter().map(|&k| &all_moments.moments[k]).collect();
    // The first date of a line: already read for lines with times.
    let line_date = |i: usize| {
        let k = idx[i];
        let l = &lines[k];
        if all_moments.moments[k].is_empty() {
            when::dates_hinted(l.text, l.hints).first().map(|d| d.value)
        } else {
            all_moments.dates[k].first().map(|d: &DateTok| d.value)
        }
    };

    // 1. `Start: …` and `End: …` labels.
    for (i, l) in prose.iter().enumerate() {
        let ms = &cache[i];
        if ms.is_empty() {
            continue;
        }
        // `Start-time:` alone on the line before the time.
        let prev_label = i > 0
            && is_label(&START_LABEL_RE, prose[i - 1].text.trim_end())
            && prose[i - 1].no + 2 >= l.no;
        let Some(start) = ms.iter().find(|m| {
            let head = tail(&l.text[..m.from], 80);
            is_label(&START_LABEL_RE, head)
                || (prev_label
                    && head
                        .trim_matches([' ', '*', '_', '-', '•', '\t'])
                        .is_empty())
        }) else {
            continue;
        };
        let end = ms
            .iter()
            .find(|m| {
                m.from > start.to && is_label(&END_LABEL_RE, tail(&l.text[start.to..m.from], 80))
            })
            .cloned()
            .or_else(|| {
                prose[i + 1..]
                    .iter()
                    .zip(&cache[i + 1..])
                    .take(4)
                    .find_map(|(n, nm)| {
                        nm.iter()
                            .find(|&m| is_label(&END_LABEL_RE, tail(&n.text[..m.from], 80)))
                            .cloned()
                    })
            });
        let (s, e) = match &end {
            Some(e) => {
                let (s, e) = pair(start, e);
                (s, Some(e))
            }
            None => (start.clone(), None),
        };
        if e.is_some() {
            return Some(Statement {
                start: s,
                end: e,
                rule: "start_end",
                line_date: line_date(i),
            });
        }
    }
    // 2. A range.
    for (i, l) in prose.iter().enumerate() {
        // `from 0233 to 0239` has four digits in a row.
        let military = (l.hints.has(Hints::YEAR) && when::contains_ci(l.text, "from"))
            .then(|| MILITARY_RE.captures(l.text))
            .flatten();
        if let Some(c) = military {
            let tok = |h: &str, m: &str, at: usize| TimeTok {
                start: at,
                end: at + 4,
                hour: h.parse().unwrap_or(0),
                minute: m.parse().unwrap_or(0),
                pm: None,
            };
            let a = tok(&c[1], &c[2], c.get(1).unwrap().start());
            let b = tok(&c[3], &c[4], c.get(3).unwrap().start());
            let mk = |t: TimeTok| Moment {
                tok: t,
                date: None,
                zone: None,
                line: l.no,
                from: t.start,
                to: t.end,
            };
            return Some(Statement {
                start: mk(a),
                end: Some(mk(b)),
                rule: "military",
                line_date: line_date(i),
            });
        }
        for w in cache[i].windows(2) {
            let gap = &l.text[w[0].to.min(w[1].from)..w[1].from];
            if gap.len() <= 160 && (CONNECTOR_RE.is_match(gap) || UNTIL_GAP_RE.is_match(gap)) {
                let (s, e) = pair(&w[0], &w[1]);
                return Some(Statement {
                    start: s,
                    end: Some(e),
                    rule: "range",
                    line_date: line_date(i),
                });
            }
        }
    }
    // 3. A start on its own, in the summary (before the timeline).
    let first_entry = timeline_lines.iter().copied().min().unwrap_or(u32::MAX);
    for (i, l) in prose.iter().enumerate().filter(|(_, l)| l.no < first_entry) {
        if let Some(m) = cache[i].first() {
            let before = tail(&l.text[..m.from], 200);
            let sentence_head = before.rsplit(['.', '!', '?']).next().unwrap_or(before);
            let after = head(&l.text[m.to..], 200);
            let sentence_tail = after.split(['.', '!', '?']).next().unwrap_or(after);
            let sentence = format!("{sentence_head} {sentence_tail}");
            if is_label(&START_LABEL_RE, before)
                || ((START_WORD_RE.is_match(sentence_head)
                    || START_TAIL_RE.is_match(sentence_tail))
                    && !sentence.to_ascii_lowercase().contains("detect"))
            {
                return Some(Statement {
                    start: m.clone(),
                    end: None,
                    rule: "start",
                    line_date: line_date(i),
                });
            }
        }
    }
    None
}

/// A window read off the timeline: first event to the last recovery event (no start when
/// the first event is already a recovery).
#[derive(Debug, Clone, PartialEq)]
pub struct FromTimeline {
    pub start: Option<usize>,
    /// The first clock entry, when the timeline gives a window (a start, or only an end
    /// when it opens with a recovery).
    first: Option<usize>,
    /// Minutes from the start for relative timelines (`[Start Time + 2 hours]`, `T+40m`).
    pub relative_minutes: Option<i64>,
    /// The end, found when first asked for (most documents state their window).
    end: std::cell::OnceCell<Option<usize>>,
}

impl FromTimeline {
    /// The last recovery event after the start (else the last event), if there is a start.
    pub fn end(&self, entries: &[Entry]) -> Option<usize> {
        *self.end.get_or_init(|| {
            let first = self.first?;
            let clock = || (0..entries.len()).filter(|&i| entries[i].time.is_some());
            clock()
                .rev()
                .filter(|&i| i != first)
                .find(|&i| is_recovery(&entries[i].text))
                .or_else(|| clock().next_back().filter(|&i| i != first))
        })
    }
}

pub fn from_timeline(entries: &[Entry]) -> FromTimeline {
    let clock: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].time.is_some())
        .collect();
    let mut out = FromTimeline {
        start: None,
        first: None,
        relative_minutes: None,
        end: std::cell::OnceCell::new(),
    };
    // Ranges on different days are separate outage windows: no single window.
    let ranged: Vec<&Entry> = clock
        .iter()
        .map(|&i| &entries[i])
        .filter(|e| e.until.is_some())
        .collect();
    let days: Vec<DateVal> = ranged.iter().filter_map(|e| e.date).collect();
    if ranged.len() >= 2 && days.len() == ranged.len() && days.windows(2).all(|w| w[0] != w[1]) {
        return out;
    }
    if let Some(&first) = clock.first() {
        let e = &entries[first];
        // Elapsed clocks from the start of a drill are not wall-clock times.
        let elapsed = e.time == Some(Time::midnight())
            && e.zone.is_none()
            && e.tok.is_some_and(|t| t.pm.is_none())
            && clock
                .iter()
                .all(|&i| entries[i].time.is_some_and(|t| t.hour() < 2));
        if !elapsed {
            out.first = Some(first);
            // A timeline that opens with a recovery (a status page's first update, posted
            // mid-incident) does not say when the outage began.
            if !is_recovery(&e.text) {
                out.start = Some(first);
            }
        }
    }
    let rel: Vec<&Entry> = entries.iter().filter(|e| e.relative.is_some()).collect();
    if clock.is_empty() && !rel.is_empty() {
        out.relative_minutes = rel
            .iter()
            .rev()
            .filter(|e| RESOLVED_RE.is_match(&e.text) && !NOT_RESOLVED_RE.is_match(&e.text))
            .find_map(|e| e.relative)
            .filter(|&m| m > 0);
    }
    out
}

/// A zone stated for the whole document (`All times are in UTC`, `Timeline (PST)`).
pub fn stated_zone(lines: &[Line]) -> Option<(Zone, u32)> {
    // Every form says `time` (`All times…`, `Timeline (PST)`, `Time zone:`).
    for l in lines
        .iter()
        .filter(|l| !l.code && when::contains_ci(l.text, "time"))
    {
        for m in may_state_all_times(l.text)
            .then(|| ALL_TIMES_RE.find_iter(l.text))
            .into_iter()
            .flatten()
        {
            if let Some(z) = when::zone_after(l.text, m.end()) {
                return Some((z.zone, l.no));
            }
        }
        // `## Timeline (2026-08-30 UTC)`
        let t = l.text.trim_start();
        if t.starts_with('#') && t.to_ascii_lowercase().contains("timeline") {
            if let Some(z) = when::zones(t).into_iter().next() {
                return Some((z.zone, l.no));
            }
        }
    }
    None
}

/// False when [`ALL_TIMES_RE`] cannot match `text`. Each of its forms holds `time` (any
/// case), then `s` perhaps and white space perhaps, then `(`, `are`, `in`, `listed`,
/// `zone` or (right after `time`) `line`; or is `all`, white space, `times` and white space.
fn may_state_all_times(text: &str) -> bool {
    let b = text.as_bytes();
    let word = |i: usize, w: &[u8]| {
        b.get(i..i + w.len())
            .is_some_and(|x| x.eq_ignore_ascii_case(w))
    };
    memchr::memchr2_iter(b't', b'T', b).any(|i| {
        if !word(i, b"time") {
            return false;
        }
        let s = i + 4 + usize::from(b.get(i + 4).is_some_and(|c| c | 0x20 == b's'));
        let j = when::run_end(b, s, when::is_space);
        // `All times` then white space holds whatever follows.
        let gap = b[..i]
            .iter()
            .rev()
            .take_while(|c| when::is_space(**c))
            .count();
        let all = gap > 0 && i >= gap + 3 && word(i - gap - 3, b"all");
        (all && s > i + 4 && j > s)
            || word(i + 4, b"line")
            || b.get(j) == Some(&b'(')
            || [&b"are"[..], b"in", b"listed", b"zone"]
                .iter()
                .any(|w| word(j, w))
    })
}

/// The first zone written right after a time anywhere in the text.
pub fn first_time_zone(lines: &[Line], all_moments: &Moments) -> Option<(Zone, u32)> {
    lines
        .iter()
        .zip(&all_moments.moments)
        .filter(|(l, _)| !l.code)
        .find_map(|(l, ms)| {
            let zone = |ms: &[Moment]| ms.iter().find_map(|m| m.zone.clone().map(|z| (z, l.no)));
            if all_moments.skipped.binary_search(&l.no).is_ok() {
                let ms = may_name_zone(l.text).then(|| moments_hinted(l.text, l.no, l.hints).0);
                zone(&ms.unwrap_or_default())
            } else {
                zone(ms)
            }
        })
}

/// False when no zone can be in `text`: every zone [`when::zone_after`] reads starts with a
/// capital, a sign or a letter beyond ASCII, or is `utc`, `gmt` or a name ending in `time`.
fn may_name_zone(text: &str) -> bool {
    let b = text.as_bytes();
    // A capital, a sign or a byte beyond ASCII anywhere (one pass that vectorises)…
    let marked = b.iter().fold(false, |any, &c| {
        any | (c.wrapping_sub(b'A') < 26) | (c == b'+') | (c == b'-') | (c >= 0x80)
    });
    // …else the words in small letters (in any other case they have a capital).
    let at = |i: usize, w: &[u8]| b.get(i..i + w.len()).is_some_and(|x| x == w);
    // (Found by their rarer letters: the `c` of `utc`, the `g` of `gmt`, the `m` of `time`.)
    marked
        || memchr::memchr3_iter(b'c', b'g', b'm', b).any(|i| match b[i] {
            b'c' => i >= 2 && at(i - 2, b"utc"),
            b'g' => at(i, b"gmt"),
            _ => i >= 2 && at(i - 2, b"time"),
        })
}

/// The moments of every line the window statement can be on, computed once per document,
/// with the dates of the lines that have times. Code blocks and the `skipped` lines (the
/// timeline's, whose times are events) get none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Moments {
    pub moments: Vec<Vec<Moment>>,
    pub dates: Vec<Vec<DateTok>>,
    /// Line numbers (sorted) whose moments were not read.
    pub skipped: Vec<u32>,
}

/// Whether line `no` is in `list` (line numbers in order), walking `list` forward to it:
/// asked with each line in order, this passes over the list once, where a search for each
/// line would branch either way at random.
fn reached(list: &mut std::iter::Peekable<impl Iterator<Item = u32>>, no: u32) -> bool {
    while list.next_if(|&n| n < no).is_some() {}
    list.peek() == Some(&no)
}

pub fn all_moments(lines: &[Line], skipped: &[u32]) -> Moments {
    // `skipped` is in order, as the lines are.
    let mut skip = skipped.iter().copied().peekable();
    let (moments, dates) = lines
        .iter()
        .map(|l| {
            if reached(&mut skip, l.no) || l.code {
                Default::default()
            } else {
                moments_hinted(l.text, l.no, l.hints)
            }
        })
        .unzip();
    Moments {
        moments,
        dates,
        skipped: skipped.to_vec(),
    }
}

/// A date on a line of its own (or a heading) before the timeline's first entry.
pub fn timeline_heading_date(lines: &[Line], first_entry_line: u32) -> Option<DateVal> {
    lines
        .iter()
        .filter(|l| !l.code && l.no < first_entry_line)
        .rev()
        .take(6)
        .find_map(|l| {
            let t = l
                .text
                .trim()
                .trim_start_matches(['#', '*', '_', ' '])
                .trim_end_matches(['*', '_', ':', ' ']);
            let d = when::dates_hinted(t, l.hints);
            let d = d.first()?;
            (d.start == 0 && t.len() - d.end < 4).then_some(d.value)
        })
}

/// The first dated line of the text that is not a deadline or a publication note.
pub fn first_date(lines: &[Line]) -> Option<(DateVal, u32)> {
    for l in lines.iter().filter(|l| !l.code) {
        for d in when::dates_hinted(l.text, l.hints) {
            if DEADLINE_RE.is_match(tail(&l.text[..d.start], 60)) {
                continue;
            }
            if matches!(d.value, DateVal::NoYear(..)) {
                continue;
            }
            return Some((d.value, l.no));
        }
    }
    None
}

/// Resolves an ambiguous numeric date with the rest of the document: another numeric date
/// that can be read only one way, the partner date of a range, or a month named in the title.
pub fn disambiguate(
    v: DateVal,
    partner: Option<&DateTok>,
    all: &[DateTok],
    title: &str,
) -> Option<Date> {
    let (day_first, month_first) = match v {
        DateVal::Known(d) => return Some(d),
        DateVal::NoYear(..) => return None,
        DateVal::Ambiguous(a, b) => (a, b),
    };
    let title_months: Vec<i8> = when::dates(title)
        .iter()
        .filter_map(|d| {
            if let DateVal::Known(d) = d.value {
                Some(d.month())
            } else {
                None
            }
        })
        .chain(month_names(title))
        .collect();
    if title_months.contains(&day_first.month()) && !title_months.contains(&month_first.month()) {
        return Some(day_first);
    }
    if title_months.contains(&month_first.month()) && !title_months.contains(&day_first.month()) {
        return Some(month_first);
    }
    if let Some(p) = partner.and_then(|p| p.numeric) {
        let (a1, b1) = (day_first.day() as u8, day_first.month() as u8);
        if p.1 == b1 && p.0 != a1 {
            return Some(day_first);
        }
        if p.0 == month_first.month() as u8 && p.1 != month_first.day() as u8 {
            return Some(month_first);
        }
    }
    let mut votes = (0, 0);
    for d in all {
        if let (Some((a, b)), DateVal::Known(_)) = (d.numeric, d.value) {
            if a > 12 && b <= 12 {
                votes.0 += 1;
            } else if b > 12 && a <= 12 {
                votes.1 += 1;
            }
        }
    }
    match votes {
        (x, 0) if x > 0 => Some(day_first),
        (0, y) if y > 0 => Some(month_first),
        _ => None,
    }
}

fn month_names(text: &str) -> Vec<i8> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let l = text.to_ascii_lowercase();
    NAMES
        .iter()
        .enumerate()
        .filter(|(_, n)| l.split(|c: char| !c.is_alphabetic()).any(|w| w == **n))
        .map(|(i, _)| i as i8 + 1)
        .collect()
}

/// True when a timeline event marks full recovery.
pub fn is_recovery(text: &str) -> bool {
    RESOLVED_RE.is_match(text) && !NOT_RESOLVED_RE.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::lines;
    use jiff::civil::time;

    fn window(text: &str) -> Option<(Time, Option<Time>, Option<String>, &'static str)> {
        let ls = lines(text, 1);
        let s = statement(&ls, &all_moments(&ls, &[]), &[])?;
        Some((
            s.start.tok.time(),
            s.end.as_ref().map(|e| e.tok.time()),
            s.start.zone.as_ref().map(|z| z.written.clone()),
            s.rule,
        ))
    }

    #[test]
    fn accepted_statements() {
        let t = |h, m| time(h, m, 0, 0);
        type Case<'a> = (&'a str, Time, Option<Time>, Option<&'a str>, &'a str);
        let cases: &[Case] = &[
            (
                "- **Start:** 2024-06-05 14:00 UTC\n- **End:** 2024-06-05 16:30 UTC",
                t(14, 0),
                Some(t(16, 30)),
                Some("UTC"),
                "start_end",
            ),
            (
                "Start Time: 2023-02-05, 9:00 AM (UTC-8) End Time: 2023-02-05, 11:00 AM (UTC-8)",
                t(9, 0),
                Some(t(11, 0)),
                Some("UTC-8"),
                "start_end",
            ),
            (
                "Duration: October 15, 2023, 14:00 GMT - October 15, 2023, 16:30 GMT",
                t(14, 0),
                Some(t(16, 30)),
                Some("GMT"),
                "range",
            ),
            (
                "On March 1, 2023, from 10:00 AM to 12:30 PM (PST), logins failed.",
                t(10, 0),
                Some(t(12, 30)),
                Some("PST"),
                "range",
            ),
            (
                "Between the times of 4:44PM and 5:45PM on Sunday we lost it",
                t(16, 44),
                Some(t(17, 45)),
                None,
                "range",
            ),
            (
                "The outage struck from 10:00 AM to 2:00 PM on May 3, 2024 (UTC-5).",
                t(10, 0),
                Some(t(14, 0)),
                Some("UTC-5"),
                "range",
            ),
            (
                "The outage started at 13:00PM and was resolved around 14:50PM",
                t(13, 0),
                Some(t(14, 50)),
                None,
                "range",
            ),
            (
                "Between 4am-7am EST we had an outage",
                t(4, 0),
                Some(t(7, 0)),
                Some("EST"),
                "range",
            ),
            (
                "It lasted 90 minutes, from 2:00 to 3:30 AM (EAT) on 14th June 2024.",
                t(2, 0),
                Some(t(3, 30)),
                Some("EAT"),
                "range",
            ),
            (
                "For 6 minutes from 0233 to 0239 the box was off.",
                t(2, 33),
                Some(t(2, 39)),
                None,
                "military",
            ),
            (
                "The outage began at approximately 06:05 CAT.",
                t(6, 5),
                None,
                Some("CAT"),
                "start",
            ),
            (
                "commencing at 10:00 AM and concluding at 1:00 PM on May 10, 2024 (UTC timezone).",
                t(10, 0),
                Some(t(13, 0)),
                Some("UTC"),
                "range",
            ),
        ];
        for (text, s, e, z, rule) in cases {
            let got = window(text).unwrap_or_else(|| panic!("no window in {text}"));
            assert_eq!(got, (*s, *e, z.map(String::from), *rule), "{text}");
        }
        assert!(window("We deployed at 10:00 and it was fine.").is_none());
    }

    #[test]
    fn range_dates_attach() {
        let ls = lines(
            "Duration: June 9, 2023, 10:00 AM to June 10, 2023, 2:00 PM (PST)",
            1,
        );
        let s = statement(&ls, &all_moments(&ls, &[]), &[]).unwrap();
        assert_eq!(
            s.start.date,
            Some(DateVal::Known(jiff::civil::date(2023, 6, 9)))
        );
        assert_eq!(
            s.end.unwrap().date,
            Some(DateVal::Known(jiff::civil::date(2023, 6, 10)))
        );
    }

    #[test]
    fn ambiguous_dates_resolve_by_context() {
        let amb = when::dates("Start: 06/05/2024")[0];
        let partner = when::dates("End: 10/05/2024")[0];
        assert_eq!(
            disambiguate(amb.value, Some(&partner), &[], ""),
            Some(jiff::civil::date(2024, 5, 6))
        );
        assert_eq!(
            disambiguate(amb.value, None, &[], "The meltdown of May 2024"),
            Some(jiff::civil::date(2024, 5, 6))
        );
        let other = when::dates("on 25/04/2024")[0];
        assert_eq!(
            disambiguate(amb.value, None, &[other], ""),
            Some(jiff::civil::date(2024, 5, 6))
        );
        assert_eq!(disambiguate(amb.value, None, &[], ""), None);
    }

    proptest::proptest! {
        /// The cheap test before the all-times regex never refuses what it matches.
        #[test]
        fn may_state_all_times_holds_wherever_the_regex_matches(
            t in "(x|é|All|all  |uptime )?[ \t]?(time|TIMES|Time|timeline|Timezone|times|tim)[ \t\x0b]{0,2}(are |ARE\t|in |listed in |zone|\\(|:|line|x|é)[ ]?(UTC|x)?"
        ) {
            proptest::prop_assert!(may_state_all_times(&t) || !ALL_TIMES_RE.is_match(&t), "{:?}", t);
        }

        /// The cheap test before the label regexes never refuses what they match.
        #[test]
        fn is_label_is_the_regex(
            t in "(the |x|é)?(start|Started|BEGAN|outage start|end|Ended|resolved|recovered|outage  end)?([ -](time|date|at))?( \\(UTC\\)| \\(é\\))?[ ]?[*]{0,2}[ ]?[:=]?[ ]?[*_ \u{a0}-]{0,3}(x|10:00)?"
        ) {
            proptest::prop_assert_eq!(is_label(&START_LABEL_RE, &t), START_LABEL_RE.is_match(&t));
            proptest::prop_assert_eq!(is_label(&END_LABEL_RE, &t), END_LABEL_RE.is_match(&t));
        }
    }
}
