//! Extraction: a `Document` in, `IncidentMeta` out, every fact with its provenance. Pure: no
//! I/O. Front matter always wins; prose fills the gaps; a disagreement is a warning.
//!
//! One file per kind of fact; each opens with a table of the forms it accepts.

pub mod actions;
pub mod classify;
mod date_scan;
pub mod doubt;
pub mod duration;
pub mod front;
pub mod hints;
pub mod impact;
mod keywords;
pub mod numbers;
mod phrases;
mod prose;
pub mod sanity;
pub mod timeline;
pub mod title;
pub mod when;
pub mod window;
pub mod zone;

use jiff::civil::Date;
use jiff::Zoned;

use crate::config::ExtractConfig;
use crate::content::Document;
use crate::diagnostic::Diagnostic;
use crate::model::{Found, IncidentMeta, Minutes, Source, Zone};
use front::Stamp;
use hints::Hints;

/// What extraction needs from the site configuration.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// Assumed for times written without a zone.
    pub site_zone: &'a Zone,
    pub config: &'a ExtractConfig,
    /// Taxonomies beyond `tags` and `services` whose values come from front matter.
    pub taxonomies: &'a [String],
}

/// The settings of a site with no `site.toml`: times without a zone are UTC, the built-in
/// tag table applies. For `inquest extract` without `--root`, benchmarks and tests.
#[derive(Debug, Clone)]
pub struct Defaults {
    pub zone: Zone,
    pub config: ExtractConfig,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            zone: zone::site_zone("UTC").expect("UTC is a zone"),
            config: ExtractConfig::default(),
        }
    }
}

impl Defaults {
    pub fn options(&self) -> Options<'_> {
        Options {
            site_zone: &self.zone,
            config: &self.config,
            taxonomies: &[],
        }
    }
}

/// Extracts the metadata of one document.
pub fn extract(doc: &Document, opts: &Options) -> (IncidentMeta, Vec<Diagnostic>) {
    let mut meta = IncidentMeta::default();
    let mut diags = Vec::new();
    let extra_tax: Vec<String> = opts
        .taxonomies
        .iter()
        .filter(|t| *t != "tags" && *t != "services")
        .cloned()
        .collect();
    let instants = match &doc.front {
        Some(fm) => front::apply(fm, &doc.shown, &extra_tax, &mut meta, &mut diags),
        None => front::FrontInstants::default(),
    };
    apply_instants(&mut meta, instants, opts.site_zone, &doc.shown, &mut diags);

    let all = lines(&doc.body, doc.body_line);
    // Bare `key: value` lines at the top of a file without delimiters (old blog exports).
    let mut header = front::bare_header(&all);
    header.publication_date |= doc.front.as_ref().is_some_and(front::is_blog);
    if meta.date.is_none() {
        meta.date = header.date.clone();
    }
    let body_lines = &all[header.lines..];
    if meta.title.is_none() {
        meta.title = header
            .title
            .clone()
            .or_else(|| title::find_in(body_lines))
            .or_else(|| Some(title::derive(&doc.body, doc.stem())));
    }
    prose::fill(doc, body_lines, &header, opts, &mut meta, &mut diags);
    if meta.date.is_none() {
        meta.date = date_from_file_name(doc.stem());
    }
    sanity::check(&mut meta, &doc.shown, &mut diags);
    (meta, diags)
}

/// One line of the body with its line number in the whole file; `code` is true inside
/// fenced code blocks (and for the fences), whose contents are never read for facts.
/// `hints` says which patterns may be on the line (see [`hints`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub no: u32,
    pub text: &'a str,
    pub code: bool,
    pub hints: Hints,
}

/// Splits a body into lines (at `\n`, dropping a `\r` before it), marking fenced code
/// blocks, and finds each line's hints.
pub fn lines(body: &str, body_line: u32) -> Vec<Line<'_>> {
    let bytes = body.as_bytes();
    let n = memchr::memchr_iter(b'\n', bytes).count() + 1;
    let mut starts = Vec::with_capacity(n);
    let mut lens = Vec::with_capacity(n);
    let mut at = 0;
    for nl in memchr::memchr_iter(b'\n', bytes) {
        let end = if nl > at && bytes[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        starts.push(at);
        lens.push(end - at);
        at = nl + 1;
    }
    if at < bytes.len() {
        starts.push(at);
        lens.push(bytes.len() - at);
    }
    let mut hints = vec![Hints::default(); starts.len()];
    hints::of_lines(body, &starts, &lens, &mut hints);
    let mut fence: Option<(u8, usize)> = None;
    let mut out = Vec::with_capacity(starts.len());
    for (i, ((&s, &len), &hints)) in starts.iter().zip(&lens).zip(&hints).enumerate() {
        let text = &body[s..s + len];
        let t = trim_start(text);
        let marker = t
            .as_bytes()
            .first()
            .copied()
            .filter(|c| *c == b'`' || *c == b'~');
        let run = marker.map_or(0, |m| t.bytes().take_while(|c| *c == m).count());
        let mut code = fence.is_some();
        match (fence, marker) {
            (None, Some(m)) if run >= 3 => {
                fence = Some((m, run));
                code = true;
            }
            (Some((f, n)), Some(m))
                if m == f && run >= n && t.trim_end().bytes().all(|c| c == m) =>
            {
                fence = None;
                code = true;
            }
            _ => {}
        }
        out.push(Line {
            no: body_line + i as u32,
            text,
            code,
            hints,
        });
    }
    out
}

/// `2023-03-01-db-down` → 2023-03-01.
pub fn date_from_file_name(stem: &str) -> Option<Found<Date>> {
    let head = stem.get(..10)?;
    let date = head.parse::<Date>().ok()?;
    Some(Found::new(date, Source::derived("the file name")))
}

/// Fills date, start and end times, zone and duration from front-matter instants, without
/// overriding facts the front matter gave directly.
fn apply_instants(
    meta: &mut IncidentMeta,
    inst: front::FrontInstants,
    site_zone: &Zone,
    shown: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let fallback_zone = meta
        .timezone
        .as_ref()
        .map_or(site_zone, |z| &z.value)
        .clone();
    let zoned = |s: Stamp| -> Option<(Zoned, Option<Zone>)> {
        match s {
            Stamp::Zoned(z, zone) => Some((z, Some(zone))),
            Stamp::Local(dt) => {
                let tz = zone::time_zone(&fallback_zone)?;
                dt.to_zoned(tz).ok().map(|z| (z, None))
            }
        }
    };
    let src = |line: u32, key: &str| Source::FrontMatter {
        line,
        key: key.to_string(),
    };
    let start = inst.started_at.and_then(|(s, l)| zoned(s).map(|z| (z, l)));
    let end = inst.resolved_at.and_then(|(s, l)| zoned(s).map(|z| (z, l)));
    if let Some(((z, zone), line)) = &start {
        // `started_at` names the incident's day; a `date` after it is the day the
        // postmortem was published (Hugo's and Jekyll's meaning of `date`), not a conflict.
        if let Some(d) = meta.date.as_ref().filter(|d| d.value < z.date()) {
            diags.push(
                Diagnostic::warning(
                    shown,
                    d.source.line().unwrap_or(0),
                    format!("`date` ({}) is before `started_at` ({}); using `started_at`", d.value, z.date()),
                )
                .with_hint("`date` is the day of the incident; remove it or make it agree with `started_at`"),
            );
        }
        meta.date = Some(Found::new(z.date(), src(*line, "started_at")));
        meta.start_time = Some(Found::new(z.time(), src(*line, "started_at")));
        if meta.timezone.is_none() {
            if let Some(zone) = zone {
                meta.timezone = Some(Found::new(zone.clone(), src(*line, "started_at")));
            }
        }
    }
    if let Some(((z, _), line)) = &end {
        // Show the end in the same zone as the start.
        let local = match &start {
            Some(((s, _), _)) => z.with_time_zone(s.time_zone().clone()),
            None => z.clone(),
        };
        meta.end_time = Some(Found::new(local.time(), src(*line, "resolved_at")));
        if start
            .as_ref()
            .is_some_and(|((s, _), _)| s.date() != local.date())
        {
            meta.end_date = Some(Found::new(local.date(), src(*line, "resolved_at")));
        }
    }
    if let (Some(((s, _), _)), Some(((e, _), _))) = (&start, &end) {
        if meta.duration.is_none() {
            let mins = (e.timestamp().as_second() - s.timestamp().as_second()) / 60;
            match Minutes::from_signed(mins) {
                Some(m) => {
                    meta.duration =
                        Some(Found::new(m, Source::derived("started_at and resolved_at")))
                }
                None => diags.push(
                    Diagnostic::warning(
                        shown,
                        end.as_ref().map_or(0, |(_, l)| *l),
                        "`resolved_at` is before `started_at`; no duration is derived",
                    )
                    .with_hint("check both date-times and their offsets"),
                ),
            }
        }
    }
    if let Some((s, line)) = inst.detected_at {
        if let Some((z, _)) = zoned(s) {
            meta.detected_at = Some(Found::new(z.timestamp(), src(line, "detected_at")));
        }
    }
}

/// The outage window as instants, when the date, start time and a zone are known. Times
/// without a zone use the site's zone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Window {
    pub started_at: Option<Zoned>,
    pub resolved_at: Option<Zoned>,
    /// Offset of the start from UTC in minutes.
    pub utc_offset_minutes: Option<i32>,
}

pub fn window(meta: &IncidentMeta, site_zone: &Zone) -> Window {
    let zone = meta.timezone.as_ref().map_or(site_zone, |z| &z.value);
    let Some(tz) = zone::time_zone(zone) else {
        return Window::default();
    };
    let (Some(date), Some(start)) = (&meta.date, &meta.start_time) else {
        return Window::default();
    };
    let Ok(started) = date.value.to_datetime(start.value).to_zoned(tz.clone()) else {
        return Window::default();
    };
    let resolved = meta.end_time.as_ref().and_then(|end| {
        let end_date = match &meta.end_date {
            Some(d) => d.value,
            // An end earlier than the start on the same day crosses midnight.
            None if end.value < start.value => date.value.tomorrow().ok()?,
            None => date.value,
        };
        end_date.to_datetime(end.value).to_zoned(tz.clone()).ok()
    });
    Window {
        utc_offset_minutes: Some(started.offset().seconds() / 60),
        started_at: Some(started),
        resolved_at: resolved,
    }
}

/// `s` without `*` and backticks, its runs of white space made one space, trimmed: how
/// timeline texts and action items are shown.
pub(crate) fn squeeze(s: &str) -> String {
    squeeze_cow(s).into_owned()
}

/// [`squeeze`], borrowing `s` when it is already squeezed.
pub(crate) fn squeeze_cow(s: &str) -> std::borrow::Cow<'_, str> {
    // Most texts are ASCII without marks and with single spaces: kept as they are.
    let b = s.as_bytes();
    if plain_ascii(b) && !s.starts_with(' ') && !s.ends_with(' ') && !s.is_empty() {
        return std::borrow::Cow::Borrowed(s);
    }
    // Text beyond ASCII (or with control characters): the same test, and no white space
    // beyond ASCII. (It covers the test above, which stays for ASCII text: this one alone
    // costs 0.7% more instructions over the real corpus, 1.7% over the generated one.)
    // (Folds without early exits, which the compiler vectorises.)
    let marks = b.iter().fold(false, |any, &c| {
        any | (c < b' ') | (c == b'*') | (c == b'`')
    });
    let doubled = doubled_space(b);
    let plain = !marks && !doubled && !s.starts_with(' ') && !s.ends_with(' ') && !s.is_empty();
    if plain && !wide_space(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut i = 0;
    while i < b.len() {
        // A run of plain bytes (no mark, no white space, ASCII) is copied whole.
        let run = b[i..]
            .iter()
            .position(|&c| c <= b' ' || c == b'*' || c == b'`' || c >= 0x80)
            .unwrap_or(b.len() - i);
        if run > 0 {
            if space {
                out.push(' ');
                space = false;
            }
            out.push_str(&s[i..i + run]);
            i += run;
            continue;
        }
        let c = s[i..].chars().next().expect("a character at a boundary");
        i += c.len_utf8();
        match c {
            '*' | '`' => {}
            c if c.is_whitespace() => space = !out.is_empty(),
            c => {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(c);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// True when `b` is ASCII without control characters, `*` or backticks, and without two
/// spaces in a row. Two folds without early exits, which the compiler turns into vector
/// instructions (sixteen or more bytes a step).
fn plain_ascii(b: &[u8]) -> bool {
    let bad = b.iter().fold(false, |any, &c| {
        any | (c.wrapping_sub(0x20) >= 0x60) | (c == b'*') | (c == b'`')
    });
    !bad && !doubled_space(b)
}

/// True when `s` holds white space beyond ASCII (`\u{a0}`, `\u{2003}`, …). Every such
/// character starts with the byte `0xc2`, `0xe1`, `0xe2` or `0xe3`; only those places are
/// decoded (most text beyond ASCII there is a dash or a quote, `—`, `’`).
fn wide_space(s: &str) -> bool {
    let b = s.as_bytes();
    let at = |i: usize| s[i..].chars().next().is_some_and(char::is_whitespace);
    memchr::memchr3_iter(0xc2, 0xe1, 0xe2, b).any(at) || memchr::memchr_iter(0xe3, b).any(at)
}

/// Two spaces in a row somewhere in `b` (a fold without early exits, vectorised).
fn doubled_space(b: &[u8]) -> bool {
    let next = b.get(1..).unwrap_or_default();
    b.iter()
        .zip(next)
        .fold(false, |any, (&x, &y)| any | ((x == b' ') & (y == b' ')))
}

/// `s` starts with `w`, ASCII letters in any case.
pub(crate) fn starts_with_ci(s: &str, w: &str) -> bool {
    s.as_bytes()
        .get(..w.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(w.as_bytes()))
}

/// `s` ends with `w`, ASCII letters in any case.
pub(crate) fn ends_with_ci(s: &str, w: &str) -> bool {
    s.len()
        .checked_sub(w.len())
        .is_some_and(|at| s.as_bytes()[at..].eq_ignore_ascii_case(w.as_bytes()))
}

/// `s.trim()`, at the cost of two byte checks when both ends are printable ASCII (most lines
/// of a postmortem): only then can no white space be there to trim.
pub(crate) fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [first, .., last] if printable(*first) && printable(*last) => s,
        _ => s.trim(),
    }
}

/// `s.trim_start()`, cheap when the first byte is printable ASCII.
pub(crate) fn trim_start(s: &str) -> &str {
    match s.as_bytes().first() {
        Some(c) if printable(*c) => s,
        _ => s.trim_start(),
    }
}

/// An ASCII byte that is neither white space nor a control character.
fn printable(c: u8) -> bool {
    (0x21..0x7f).contains(&c)
}

/// `s` without the bytes of `set` (ASCII) at its start: what `trim_start_matches` with
/// those characters does, a byte at a time.
pub(crate) fn trim_start_bytes<'a>(s: &'a str, set: &[u8]) -> &'a str {
    let n = s.bytes().take_while(|c| set.contains(c)).count();
    &s[n..]
}

/// Compiles one of the extractors' regexes. ASCII mode first (`\s`, `\d`, `\w` and case
/// folding over ASCII only): the big case-insensitive alternations (dates, amounts, zones)
/// then stay on the lazy DFA, which is many times faster. Patterns that need Unicode (a
/// `’` in a class, a negated class that could split a character) fall back to it.
pub(crate) fn re(pattern: &str) -> Result<regex::Regex, regex::Error> {
    let build = |unicode: bool| {
        regex::RegexBuilder::new(pattern)
            .unicode(unicode)
            .dfa_size_limit(16 << 20)
            .build()
    };
    build(false).or_else(|_| build(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content;

    fn doc(text: &str, rel: &str) -> Document {
        content::parse(rel, rel, text.as_bytes()).unwrap().0
    }

    fn run(text: &str, rel: &str) -> (IncidentMeta, Vec<Diagnostic>) {
        let zone = zone::site_zone("UTC").unwrap();
        let cfg = ExtractConfig::default();
        let opts = Options {
            site_zone: &zone,
            config: &cfg,
            taxonomies: &[],
        };
        extract(&doc(text, rel), &opts)
    }

    proptest::proptest! {
        #[test]
        fn plain_ascii_is_the_byte_by_byte_test(
            s in "([a-z *`\t.é]|  |\u{7f}|\u{1}){0,70}"
        ) {
            let b = s.as_bytes();
            let want = b.iter().all(|&c| (0x20..0x80).contains(&c) && c != b'*' && c != b'`')
                && !s.contains("  ");
            proptest::prop_assert_eq!(plain_ascii(b), want, "{:?}", s);
        }

        #[test]
        fn wide_space_is_any_white_space_beyond_ascii(
            s in "[a-z .é—’]{0,20}(\u{85}|\u{a0}|\u{1680}|\u{2003}|\u{202f}|\u{3000}|\u{3001}|\u{2014})?[a-z .é—’]{0,20}"
        ) {
            let want = s.chars().any(|c| !c.is_ascii() && c.is_whitespace());
            proptest::prop_assert_eq!(wide_space(&s), want, "{:?}", s);
        }

        #[test]
        fn squeeze_is_the_char_by_char_definition(
            s in "([a-z *`\t\n.é—]|  |\u{a0}|\u{2003}|\u{1}){0,70}"
        ) {
            // Marks dropped; each stretch of white space one space, none at the ends.
            let mut want = String::new();
            let mut space = false;
            for c in s.chars().filter(|c| !matches!(c, '*' | '`')) {
                if c.is_whitespace() {
                    space = !want.is_empty();
                } else {
                    if space {
                        want.push(' ');
                    }
                    space = false;
                    want.push(c);
                }
            }
            proptest::prop_assert_eq!(squeeze(&s), want, "{:?}", s);
        }
    }

    #[test]
    fn cheap_trims_trim_as_the_standard_ones() {
        for s in [
            "",
            " ",
            "a",
            " a ",
            "a b",
            "\ta\n",
            "\u{a0}x\u{a0}",
            "x\u{2003}",
            "\u{85}",
            "é",
            "\u{1}a\u{1}",
            "**x**",
            "\u{b}a",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(trim_start(s), s.trim_start(), "{s:?}");
            assert_eq!(
                trim_start_bytes(s, b" *\t"),
                s.trim_start_matches([' ', '*', '\t']),
                "{s:?}"
            );
        }
    }

    #[test]
    fn squeeze_drops_marks_and_collapses_space() {
        for (text, want) in [
            ("plain text", "plain text"),
            ("  **bold**  and `code` ", "bold and code"),
            ("a\t\tb", "a b"),
            ("a\u{a0}b — c", "a b — c"),
            ("déjà vu", "déjà vu"),
            ("", ""),
        ] {
            assert_eq!(squeeze(text), want, "{text:?}");
        }
    }

    #[test]
    fn front_matter_instants_fill_the_window() {
        let (m, d) = run(
            "+++\nstarted_at = \"2023-10-15T23:30:00+01:00\"\nresolved_at = \"2023-10-16T01:00:00+01:00\"\n+++\n# T\n",
            "a.md",
        );
        assert!(d.is_empty());
        assert_eq!(
            m.date.as_ref().unwrap().value,
            jiff::civil::date(2023, 10, 15)
        );
        assert_eq!(
            m.start_time.as_ref().unwrap().value,
            jiff::civil::time(23, 30, 0, 0)
        );
        assert_eq!(
            m.end_time.as_ref().unwrap().value,
            jiff::civil::time(1, 0, 0, 0)
        );
        assert_eq!(
            m.end_date.as_ref().unwrap().value,
            jiff::civil::date(2023, 10, 16)
        );
        assert_eq!(m.duration.as_ref().unwrap().value, Minutes::new(90));
        assert_eq!(m.duration.as_ref().unwrap().source.kind(), "derived");
        assert_eq!(m.timezone.as_ref().unwrap().value.offset_minutes, Some(60));
        let w = window(&m, &zone::site_zone("UTC").unwrap());
        assert_eq!(
            w.started_at.unwrap().to_string(),
            "2023-10-15T23:30:00+01:00[+01:00]"
        );
        assert_eq!(w.utc_offset_minutes, Some(60));
    }

    #[test]
    fn started_at_names_the_day_and_a_later_date_is_the_publication_date() {
        let (m, d) = run(
            "+++\ndate = 2024-01-20\nstarted_at = \"2024-01-11T20:44:00Z\"\n+++\nOn 11 January 2024 the API failed.\n",
            "a.md",
        );
        assert_eq!(m.date.unwrap().value, jiff::civil::date(2024, 1, 11));
        assert!(d.is_empty(), "{d:?}");
        let (m, d) = run(
            "+++\ndate = 2024-01-01\nstarted_at = \"2024-01-11T20:44:00Z\"\n+++\n",
            "a.md",
        );
        assert_eq!(m.date.unwrap().value, jiff::civil::date(2024, 1, 11));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 2);
    }

    #[test]
    fn front_matter_duration_wins_over_instants() {
        let (m, _) = run(
            "+++\nduration = 30\nstarted_at = \"2023-10-15 10:00\"\nresolved_at = \"2023-10-15 12:00\"\n+++\n",
            "a.md",
        );
        assert_eq!(m.duration.unwrap().value, Minutes::new(30));
    }

    /// An indented log line quoted outside the timeline was read as an entry, and its `Z`
    /// zone made the window's zone a conflict.
    #[test]
    fn an_indented_log_line_outside_the_timeline_is_no_entry_and_no_zone_conflict() {
        let text = "Title: Relay backlog\n\nSummary\n\nDuration: Sunday, February 11, 2024, from 9:10 AM to 10:40 AM EAT.\n\n\
                    Timeline:\n\n- 9:10 AM: queue stalls\n- 10:40 AM: backlog drained\n\n\
                    What Went Wrong\n\nThe relay had been failing for hours:\n\n\
                    \x20   2024-02-11T04:00:03Z ERROR relay status=503 retry=6\n\nNobody watched that log.\n";
        let (m, d) = run(text, "2024-02-11-relay.txt");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(m.timezone.unwrap().value.written, "EAT");
        let times: Vec<&str> = m.timeline.iter().map(|e| e.time.as_str()).collect();
        assert_eq!(times, ["09:10", "10:40"]);
    }

    #[test]
    fn title_and_file_name_date_fill_the_gaps() {
        let (m, _) = run(
            "Title: Disk full\n\nThe disk filled up.\n",
            "2024-02-29-disk.txt",
        );
        assert_eq!(m.title(), "Disk full");
        assert_eq!(m.date.unwrap().value, jiff::civil::date(2024, 2, 29));
    }
}
