//! Dates, clock times and zones as postmortems write them, found inside a line of prose.
//! These are the tokens; `window` decides which of them describe the outage.
//!
//! | kind | written                                                   | read as                    |
//! |------|-----------------------------------------------------------|----------------------------|
//! | date | `March 1, 2023`, `Mar 1st, 2023`, `Monday, March 1, 2023` | 2023-03-01                 |
//! | date | `1 March 2023`, `31st January 2023`, `8th may, 2023`      | day first, month by name   |
//! | date | `2023-03-01`, `2019-1-17`, `2023/03/01`                   | ISO order                  |
//! | date | `15/10/2023`, `10/15/2023`, `03, 14, 2024`                | resolved by value          |
//! | date | `04/05/2023`, `04-12-2022`                                | ambiguous: both readings   |
//! | date | `06/May/2022`, `15Sep94`                                  | day, month name, year      |
//! | date | `March 4` (no year)                                       | no date                    |
//! | time | `14:00`, `2:00 PM`, `2:00pm`, `3 a.m`, `10am`, `08:00:15` | clock time                 |
//! | time | `08.45 UTC`, `15h45`, `noon`, `midnight`                  | clock time                 |
//! | time | `13:00PM` (24-hour with a suffix), `12:00 AM`, `24:00`    | 13:00, 00:00, 00:00        |
//! | zone | `PST`, `UTC`, `UTC-5`, `GMT + 1`, `GMT+03:00`, `+00:00`   | see `zone.rs`              |
//! | zone | `Eastern Time`, `West African Time`, `Europe/Paris`       | region and IANA names      |

use std::sync::LazyLock;

use jiff::civil::{Date, Time};
use regex::Regex;

use super::date_scan;
use super::hints::{self, Hints};
use super::zone::{parse_zone, ABBREVIATIONS};
use crate::model::Zone;

const MONTH: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

/// Dates with a month name (run only when a line names a month).
pub(super) static MONTH_DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let m = MONTH;
    let pats = [
        // Tue Nov 26 07:14:59 PST 2013 (the `date` command)
        format!(
            r"(?-u:\b)(?P<um>{m})\s+(?P<ud>\d{{1,2}})\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s+(?:[A-Z]{{2,5}}\s+)?(?P<uy>\d{{4}})(?-u:\b)"
        ),
        // March 1, 2023 / Mar 1st 2023 / May 10-11, 2022 / March 4
        format!(
            r"(?-u:\b)(?P<mm>{m})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:\s*[-–]\s*\d{{1,2}}(?:st|nd|rd|th)?)?(?:(?:\s*,\s*|\s+)(?P<my>\d{{4}})(?-u:\b))?"
        ),
        // 1 March 2023 / 31st of January, 2023
        format!(
            r"(?-u:\b)(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm>{m})(?-u:\b)\.?(?:,?\s+(?P<dy>\d{{4}})(?-u:\b))?"
        ),
        // 06/May/2022
        format!(r"(?-u:\b)(?P<sd>\d{{1,2}})[-/ ](?P<sm>{m})[-/ ](?P<sy>\d{{4}})(?-u:\b)"),
        // 15Sep94
        format!(r"(?-u:\b)(?P<cd>\d{{1,2}})(?P<cm>{m})(?P<cy>\d{{2}}|\d{{4}})(?-u:\b)"),
    ];
    super::re(&format!("(?i){}", pats.join("|"))).unwrap()
});

/// All-digit dates (run only when a line has a four-digit run).
pub(super) static NUMERIC_DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let pats = [
        // 2023-03-01, 2023/3/1, 2023-03-01T10:00
        r"(?-u:\b)(?P<iy>\d{4})[-/](?P<im>\d{1,2})[-/](?P<id>\d{1,2})(?:(?-u:\b)|T)",
        // 15/10/2023, 04-12-2022, 1.4.2022
        r"(?-u:\b)(?P<na>\d{1,2})(?P<ns>[/.-])(?P<nb>\d{1,2})[/.-](?P<ny>\d{4})(?-u:\b)",
        // 03, 14, 2024
        r"(?-u:\b)(?P<ca>\d{1,2}),\s*(?P<cb>\d{1,2}),\s*(?P<cc>\d{4})(?-u:\b)",
    ];
    super::re(&pats.join("|")).unwrap()
});

/// The grammar of a clock time. Times are found by hand ([`time_matches`]); this regex is the
/// reference the scanner is tested against.
#[cfg(test)]
static TIME_RE: LazyLock<Regex> = LazyLock::new(|| {
    // Bare numbers never match (a time needs a separator or AM/PM), so most digits in
    // prose cost nothing; the match is then read by hand (`read_time`), not with captures.
    super::re(r"(?i)\d{1,2}(?:[:.h]\d{2}(?::\d{2})?(?:\s?[ap]\.?\s?m(?-u:\b)\.?)?|\s?[ap]\.?\s?m(?-u:\b)\.?)|(?-u:\b)(?:noon|midnight)(?-u:\b)")
        .unwrap()
});

/// The grammar of a zone as written.
fn zone_pattern() -> String {
    let abbrs: Vec<&str> = ABBREVIATIONS
        .iter()
        .map(|(a, _, _)| *a)
        .filter(|a| a.len() >= 3)
        .collect();
    format!(
        r"(?x)
        (?i:(?-u:\b)(?:utc|gmt)\s*[+\-−]\s*\d{{1,2}}(?::?\d{{2}})?)
        | (?i:(?-u:\b)(?:utc|gmt)(?-u:\b))
        | (?-u:\b)(?:{})(?-u:\b)
        | (?i:(?-u:\b)(?:(?:eastern|central|mountain|pacific|atlantic|alaska|hawaii|(?:west|east|central|south)\s+africa(?:n)?|(?:central|eastern|western)\s+european|greenwich|coordinated\s+universal|india(?:n)?|british|japan|china|korea)\s+(?:standard\s+|daylight\s+|summer\s+|mean\s+)?time)(?-u:\b))
        | (?-u:\b)[A-Z][a-z]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?(?-u:\b)",
        abbrs.join("|")
    )
}

static ZONE_RE: LazyLock<Regex> = LazyLock::new(|| super::re(&zone_pattern()).unwrap());

/// [`ZONE_RE`] anchored at the start: the zone a time is followed by.
static ZONE_AT_START_RE: LazyLock<Regex> =
    LazyLock::new(|| super::re(&format!("^(?:{})", zone_pattern())).unwrap());

/// A bare offset or a generic `… Time` region name, accepted only right after a clock time.
static ZONE_AFTER_TIME_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"^[+\-−]\d{2}:?\d{2}(?-u:\b)|^Z(?-u:\b)|^[A-Z][A-Za-z]+(?:\s+[A-Za-z]+){0,3}\s+(?i:time)(?-u:\b)")
        .unwrap()
});

/// A date as written: known, readable two ways, or missing its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateVal {
    Known(Date),
    /// A numeric date both readings of which exist: (day first, month first).
    Ambiguous(Date, Date),
    /// A day and month without a year: (month, day).
    NoYear(i8, i8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTok {
    pub start: usize,
    pub end: usize,
    pub value: DateVal,
    /// Numeric dates: the two leading numbers as written (for disambiguation).
    pub numeric: Option<(u8, u8)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeTok {
    pub start: usize,
    pub end: usize,
    pub hour: u8,
    pub minute: u8,
    /// `Some(true)` for PM, `Some(false)` for AM.
    pub pm: Option<bool>,
}

impl TimeTok {
    /// The 24-hour clock time (`12:00 AM` → 00:00, `24:00` → 00:00, `13:00PM` → 13:00).
    pub fn time(&self) -> Time {
        let mut h = self.hour % 24;
        if let Some(pm) = self.pm {
            if self.hour <= 12 {
                h = match (pm, self.hour) {
                    (false, 12) => 0,
                    (true, 12) => 12,
                    (true, x) => x + 12,
                    (false, x) => x,
                };
            }
        }
        Time::new(h as i8, self.minute as i8, 0, 0).unwrap_or(Time::midnight())
    }

    /// Gives a time without AM/PM the meridiem of its partner in a range (`2:00 to 3:30 AM`).
    pub fn with_meridiem_of(mut self, other: &TimeTok, self_first: bool) -> TimeTok {
        if self.pm.is_some() || self.hour > 12 || self.hour == 0 {
            return self;
        }
        let Some(pm) = other.pm else { return self };
        let (a, b) = (self.hour % 12, other.hour % 12);
        let same = if self_first { a <= b } else { a >= b };
        self.pm = Some(if same { pm } else { !pm });
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneTok {
    pub start: usize,
    pub end: usize,
    pub zone: Zone,
}

fn month_number(name: &str) -> Option<i8> {
    let l = name.to_ascii_lowercase();
    let m = match l.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn ymd(y: i32, m: i32, d: i32) -> Option<Date> {
    if !(1900..=2199).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Date::new(y as i16, m as i8, d as i8).ok()
}

/// Both numeric readings: day first and month first.
fn numeric(a: i32, b: i32, y: i32) -> Option<DateVal> {
    let day_first = ymd(y, b, a);
    let month_first = ymd(y, a, b);
    match (day_first, month_first) {
        (Some(d), Some(m)) if d == m => Some(DateVal::Known(d)),
        (Some(d), Some(m)) => Some(DateVal::Ambiguous(d, m)),
        (Some(d), None) => Some(DateVal::Known(d)),
        (None, Some(m)) => Some(DateVal::Known(m)),
        (None, None) => None,
    }
}

/// Every date in `line`, in order.
pub fn dates(line: &str) -> Vec<DateTok> {
    dates_in_part(line, Hints::ALL)
}

/// [`dates`] of a text whose [`Hints`] are known: a line, or a line without some marks at
/// its ends (`#`, `*`, `_`, `:`, spaces), which has the same hints.
pub fn dates_hinted(line: &str, hints: Hints) -> Vec<DateTok> {
    // Every date form has a digit, and a four-digit year or a month name; most lines have
    // neither, and each regex runs only where its kind can be.
    if !hints.has(Hints::DIGIT) {
        return Vec::new();
    }
    dates_where(line, hints.has(Hints::YEAR), hints.has(Hints::MONTH))
}

/// The date a text starts with when it is an ISO date (`2024-12-29 00:07`,
/// `2023/3/1T10:00`), read by hand: `Some(date)` (`None` inside when the numbers are no
/// date), or `None` when the date regexes must decide. The same as the first of
/// [`dates`] when that starts at 0: no other date form can start with four digits and a
/// dash or slash.
pub fn iso_date_at_start(s: &str) -> Option<Option<DateTok>> {
    let b = s.as_bytes();
    let digits = |from: usize| {
        b[from.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    if digits(0) != 4 || !matches!(b.get(4), Some(b'-' | b'/')) {
        return None;
    }
    let m = digits(5);
    if !(1..=2).contains(&m) || !matches!(b.get(5 + m), Some(b'-' | b'/')) {
        return None;
    }
    let d_at = 6 + m;
    let d = digits(d_at);
    if !(1..=2).contains(&d) {
        return None;
    }
    let end = d_at + d;
    // `(?:\b|T)` after the day: not a word character, or a `T` (which belongs to the time).
    let t = b.get(end).is_some_and(|c| *c == b'T');
    if !t
        && b.get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        return None;
    }
    let num = |from: usize, n: usize| s[from..from + n].parse::<i32>().unwrap_or(0);
    let value = ymd(num(0, 4), num(5, m), num(d_at, d)).map(DateVal::Known);
    Some(value.map(|value| DateTok {
        start: 0,
        end,
        value,
        numeric: None,
    }))
}

/// [`dates`] of any part of a line whose [`Hints`] are known (the part may cut a word).
pub fn dates_in_part(part: &str, line_hints: Hints) -> Vec<DateTok> {
    if !line_hints.has(Hints::DIGIT) {
        return Vec::new();
    }
    let (year, month) = date_hints(part.as_bytes());
    dates_where(part, year, month)
}

/// The dates of `line`, reading numeric dates when `year` (it has four digits in a row) and
/// dates with a month name when `month` (it names one).
fn dates_where(line: &str, year: bool, month: bool) -> Vec<DateTok> {
    dates_read(line, year, month, true)
}

/// False when no all-digit date can be in `b`: each has a digit, a separator (`-`, `/`,
/// `.`), one or two digits, a separator and a digit (`2023-03-01`, `15/10/2023`), or a
/// digit, a comma, one or two digits and a comma (`03, 14, 2024`). Most lines with a year
/// have neither (`March 1, 2023`, `in 2023`), and the regex does not run on them.
fn may_hold_numeric_date(b: &[u8]) -> bool {
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let digits_from = |i: usize| (i..i + 3).take_while(|&j| digit(j)).count();
    let dashed = memchr::memchr3_iter(b'-', b'/', b'.', b).any(|i| {
        let k = digits_from(i + 1);
        i > 0
            && digit(i - 1)
            && (1..=2).contains(&k)
            && matches!(b.get(i + 1 + k), Some(b'-' | b'/' | b'.'))
            && digit(i + 2 + k)
    });
    dashed
        || memchr::memchr_iter(b',', b).any(|i| {
            let from = run_end(b, i + 1, is_space);
            let k = digits_from(from);
            i > 0 && digit(i - 1) && (1..=2).contains(&k) && b.get(from + k) == Some(&b',')
        })
}

/// [`dates_where`], reading each match's groups by hand where it can (`by_hand`), else
/// with the regex's capture engine (the reference the readers are tested against).
fn dates_read(line: &str, year: bool, month: bool, by_hand: bool) -> Vec<DateTok> {
    let mut out = Vec::new();
    // (The reference reading runs the regexes wherever the hints let them.)
    let year = year && (!by_hand || may_hold_numeric_date(line.as_bytes()));
    if !year && !month {
        return out;
    }
    // Every match of both kinds (value read at once), then in order of position; where
    // the two kinds overlap (`Nov 26 … 2013` holds a year), the first one wins.
    let mut found: Vec<(usize, usize, Option<ReadDate>)> = Vec::new();
    for (run, re, groups) in [
        (year, &*NUMERIC_DATE_RE, &*NUMERIC_GROUPS),
        (month, &*MONTH_DATE_RE, &*MONTH_GROUPS),
    ] {
        if !run {
            continue;
        }
        let mut locs = None;
        let mut at = 0;
        let numeric = std::ptr::eq(re, &*NUMERIC_DATE_RE);
        // The month scan reads ASCII lines only (`date_scan.rs`).
        let ascii = by_hand && !numeric && line.is_ascii();
        // The match from `at`: found by hand where the scans can say (`date_scan.rs`).
        let next = |at: usize| {
            let scanned = match (by_hand, numeric) {
                (false, _) => None,
                (true, true) => Some(date_scan::numeric_date_at(line, at)),
                (true, false) => ascii.then(|| date_scan::month_date_at(line, at)),
            };
            match scanned {
                Some(span) => span,
                None => re.find_at(line, at).map(|m| (m.start(), m.end())),
            }
        };
        while let Some((start, end)) = next(at) {
            let m = &line[start..end];
            // The groups of the match, read by hand from its text where it is ASCII (the
            // regex's capture engine costs more than the rest of a line's reading).
            let read = if !by_hand {
                None
            } else if numeric {
                numeric_groups(m)
            } else {
                month_groups(m)
            };
            let value = match read {
                Some(g) => date_value(&|name| g[name].map(|(s, e)| &line[start + s..start + e])),
                None => {
                    let locs = locs.get_or_insert_with(|| re.capture_locations());
                    let c = re.captures_read_at(locs, line, start);
                    debug_assert_eq!(c.map(|c| c.range()), Some(start..end));
                    let group = |name: usize| {
                        groups[name]
                            .and_then(|i| locs.get(i))
                            .map(|(s, e)| &line[s..e])
                    };
                    date_value(&group)
                }
            };
            found.push((start, end, value));
            // Dates are never empty, so the search always moves on.
            at = end.max(start + 1);
            if at > line.len() {
                break;
            }
        }
    }
    found.sort_by_key(|f| f.0);
    let mut last_end = 0;
    for (start, end, value) in found {
        if start < last_end {
            continue;
        }
        last_end = end;
        if let Some((value, numeric)) = value {
            let mut end = end;
            // The `T` of `2023-03-01T10:00` belongs to the time.
            if line[..end].ends_with(['T', 't']) {
                end -= 1;
            }
            out.push(DateTok {
                start,
                end,
                value,
                numeric,
            });
        }
    }
    out
}

/// The capture groups of the two date regexes, by name: [`GROUP_NAMES`] order.
const GROUP_NAMES: [&str; 24] = [
    "iy", "im", "id", "um", "ud", "uy", "mm", "md", "my", "dm", "dd", "dy", "sm", "sd", "sy", "cm",
    "cd", "cy", "na", "nb", "ny", "ca", "cb", "cc",
];
const IY: usize = 0;
const IM: usize = 1;
const ID: usize = 2;
const UM: usize = 3;
const UD: usize = 4;
const UY: usize = 5;
const MM: usize = 6;
const MD: usize = 7;
const MY: usize = 8;
const DM: usize = 9;
const DD: usize = 10;
const DY: usize = 11;
const SM: usize = 12;
const SD: usize = 13;
const SY: usize = 14;
const CM: usize = 15;
const CD: usize = 16;
const CY: usize = 17;
const NA: usize = 18;
const NB: usize = 19;
const NY: usize = 20;
const CA: usize = 21;
const CB: usize = 22;
const CC: usize = 23;

/// For each name of [`GROUP_NAMES`], its group index in `re` (if `re` has it).
fn group_indices(re: &Regex) -> [Option<usize>; 24] {
    let mut out = [None; 24];
    for (i, name) in re.capture_names().enumerate() {
        if let Some(k) = name.and_then(|n| GROUP_NAMES.iter().position(|g| *g == n)) {
            out[k] = Some(i);
        }
    }
    out
}

static NUMERIC_GROUPS: LazyLock<[Option<usize>; 24]> =
    LazyLock::new(|| group_indices(&NUMERIC_DATE_RE));
static MONTH_GROUPS: LazyLock<[Option<usize>; 24]> =
    LazyLock::new(|| group_indices(&MONTH_DATE_RE));

/// The groups of one match by [`GROUP_NAMES`] index, as spans of the match's text.
type Groups = [Option<(usize, usize)>; 24];

/// The end of the run of bytes of `m` from `at` that `f` accepts.
pub(super) fn run_end(m: &[u8], at: usize, f: impl Fn(u8) -> bool) -> usize {
    at + m[at.min(m.len())..].iter().take_while(|c| f(**c)).count()
}

/// `\s` in an ASCII regex (which, unlike `u8::is_ascii_whitespace`, includes `\v`).
pub(super) fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// The groups of a [`NUMERIC_DATE_RE`] match, read from its text: `2023-03-01` (or with a
/// `T` after it), `15/10/2023`, `03, 14, 2024`. The match is known to be one of them; the
/// first form is the one that starts with four digits, the third has a comma.
fn numeric_groups(m: &str) -> Option<Groups> {
    let b = m.as_bytes();
    if !b.is_ascii() {
        return None;
    }
    let mut g: Groups = [None; 24];
    let first = run_end(b, 0, |c| c.is_ascii_digit());
    let second_at = first + 1;
    let second = run_end(b, second_at, |c| c.is_ascii_digit());
    if first == 4 {
        let third_at = second + 1;
        g[IY] = Some((0, 4));
        g[IM] = Some((second_at, second));
        g[ID] = Some((third_at, run_end(b, third_at, |c| c.is_ascii_digit())));
    } else if b.get(first) == Some(&b',') {
        // `\d{1,2},\s*\d{1,2},\s*\d{4}`
        let a_end = first;
        let b_at = run_end(b, first + 1, is_space);
        let b_end = run_end(b, b_at, |c| c.is_ascii_digit());
        let c_at = run_end(b, b_end + 1, is_space);
        g[CA] = Some((0, a_end));
        g[CB] = Some((b_at, b_end));
        g[CC] = Some((c_at, run_end(b, c_at, |c| c.is_ascii_digit())));
    } else {
        // `\d{1,2}[/.-]\d{1,2}[/.-]\d{4}`
        let y_at = second + 1;
        g[NA] = Some((0, first));
        g[NB] = Some((second_at, second));
        g[NY] = Some((y_at, run_end(b, y_at, |c| c.is_ascii_digit())));
    }
    Some(g)
}

/// The groups of a [`MONTH_DATE_RE`] match, read from its text when it is ASCII (elsewhere
/// `\d`, `\s` and case folding reach beyond ASCII, and the regex reads it). The match is
/// known to be one of the five forms, tried in order at its start:
///
/// 1. `Nov 26 07:14:59 PST 2013`: starts with a month, holds a `:`;
/// 2. `March 1, 2023`, `May 10-11`: starts with a month, no `:`;
/// 3. `1 March 2023`, `31st of January`: a number, then white space or an ordinal;
/// 4. `06/May/2022`: a number, then `-` or `/` (with spaces it reads as form 3 first);
/// 5. `15Sep94`: a number, then the month's letters.
fn month_groups(m: &str) -> Option<Groups> {
    let b = m.as_bytes();
    if !b.is_ascii() || b.is_empty() {
        return None;
    }
    let mut g: Groups = [None; 24];
    let digits = |at: usize| run_end(b, at, |c| c.is_ascii_digit());
    let letters = |at: usize| run_end(b, at, |c| c.is_ascii_alphabetic());
    // A year at the very end (`\d{4}\b`), if the match ends with four digits.
    let year_at_end = || {
        let n = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
        (n == 4).then_some((b.len() - 4, b.len()))
    };
    if b[0].is_ascii_alphabetic() {
        let month = (0, letters(0));
        let day_at = (month.1..b.len()).find(|&i| b[i].is_ascii_digit())?;
        let day = (day_at, digits(day_at));
        if b.contains(&b':') {
            g[UM] = Some(month);
            g[UD] = Some(day);
            g[UY] = year_at_end();
        } else {
            g[MM] = Some(month);
            g[MD] = Some(day);
            // The year is the last number, when it has four digits (a day has two).
            g[MY] = year_at_end().filter(|&(s, _)| s > day.0);
        }
        return Some(g);
    }
    let day = (0, digits(0));
    let next = *b.get(day.1)?;
    if is_space(next)
        || (next.is_ascii_alphabetic() && is_space(b[letters(day.1).min(b.len() - 1)]))
    {
        // Form 3: an ordinal perhaps, white space, `of` perhaps, the month.
        let mut at = run_end(b, letters(day.1), is_space);
        if b.get(at..at + 2)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"of"))
            && b.get(at + 2).is_some_and(|c| is_space(*c))
        {
            at = run_end(b, at + 2, is_space);
        }
        g[DD] = Some(day);
        g[DM] = Some((at, letters(at)));
        g[DY] = year_at_end().filter(|&(s, _)| s > at);
    } else if matches!(next, b'-' | b'/') {
        let month = (day.1 + 1, letters(day.1 + 1));
        g[SD] = Some(day);
        g[SM] = Some(month);
        g[SY] = Some((month.1 + 1, digits(month.1 + 1)));
    } else {
        let month = (day.1, letters(day.1));
        g[CD] = Some(day);
        g[CM] = Some(month);
        g[CY] = Some((month.1, digits(month.1)));
    }
    Some(g)
}

/// A date as read from one match, with the two leading numbers of a numeric date.
type ReadDate = (DateVal, Option<(u8, u8)>);

/// Reads one date match from its groups (`group(NAME)` is the text a group matched):
/// the date, and for numeric dates the two leading numbers as written.
fn date_value<'a>(group: &dyn Fn(usize) -> Option<&'a str>) -> Option<(DateVal, Option<(u8, u8)>)> {
    let num = |name: usize| group(name).and_then(|m| m.parse::<i32>().ok());
    let known = |d: Option<Date>| d.map(|d| (DateVal::Known(d), None));
    if let Some(y) = num(IY) {
        known(ymd(y, num(IM).unwrap_or(0), num(ID).unwrap_or(0)))
    } else if let Some(m) = group(UM) {
        known(ymd(
            num(UY).unwrap_or(0),
            month_number(m).unwrap_or(0) as i32,
            num(UD).unwrap_or(0),
        ))
    } else if let Some(m) = group(MM) {
        let (mo, d) = (month_number(m), num(MD));
        match num(MY) {
            Some(y) => known(ymd(y, mo.unwrap_or(0) as i32, d.unwrap_or(0))),
            None => Some((DateVal::NoYear(mo.unwrap_or(0), d.unwrap_or(0) as i8), None)),
        }
    } else if let Some(m) = group(DM) {
        let (mo, d) = (month_number(m), num(DD));
        match num(DY) {
            Some(y) => known(ymd(y, mo.unwrap_or(0) as i32, d.unwrap_or(0))),
            None => Some((DateVal::NoYear(mo.unwrap_or(0), d.unwrap_or(0) as i8), None)),
        }
    } else if let Some(m) = group(SM) {
        known(ymd(
            num(SY).unwrap_or(0),
            month_number(m).unwrap_or(0) as i32,
            num(SD).unwrap_or(0),
        ))
    } else if let Some(m) = group(CM) {
        let y = num(CY).unwrap_or(0);
        let y = match y {
            0..=49 => 2000 + y,
            50..=99 => 1900 + y,
            y => y,
        };
        known(ymd(
            y,
            month_number(m).unwrap_or(0) as i32,
            num(CD).unwrap_or(0),
        ))
    } else if let Some(a) = num(NA) {
        let b = num(NB).unwrap_or(0);
        // `1.5.2023` is rarely a date in prose unless the year follows; accept all three.
        numeric(a, b, num(NY).unwrap_or(0)).map(|v| (v, Some((a as u8, b as u8))))
    } else if let Some(a) = num(CA) {
        let b = num(CB).unwrap_or(0);
        numeric(a, b, num(CC).unwrap_or(0)).map(|v| (v, Some((a as u8, b as u8))))
    } else {
        None
    }
}

/// Every clock time in `line`, in order, skipping numbers that are parts of dates,
/// versions, durations or amounts.
pub fn times(line: &str) -> Vec<TimeTok> {
    times_and_dates(line).0
}

/// Both token kinds of a line in one go (times never overlap the dates).
pub fn times_and_dates(line: &str) -> (Vec<TimeTok>, Vec<DateTok>) {
    times_and_dates_hinted(line, hints::of(line))
}

/// [`times_and_dates`] of a line, or of a part of a line, whose [`Hints`] are known.
pub fn times_and_dates_hinted(line: &str, hints: Hints) -> (Vec<TimeTok>, Vec<DateTok>) {
    let mut out = Vec::new();
    // Every time has a digit in a time-like shape, or is `noon` or `midnight`.
    if !(hints.has(Hints::TIME) || (hints.has(Hints::NOON) && mentions_noon(line))) {
        return (out, Vec::new());
    }
    out.extend(time_matches(line).filter_map(|(s, e)| time_tok(line, s, e)));
    if out.is_empty() {
        // Callers only attach dates to times; a line without times needs no date scan.
        return (out, Vec::new());
    }
    // Drop times that sit inside dates (`06.05.2024` is not 06:05).
    // Both lists are sorted by position: one merge pass.
    let ds = dates_hinted(line, hints);
    let mut k = 0;
    out.retain(|t| {
        while k < ds.len() && ds[k].end <= t.start {
            k += 1;
        }
        !(k < ds.len() && ds[k].start < t.end)
    });
    (out, ds)
}

/// The time at the very start of `s`, if any (the caller has ruled out a leading date).
pub fn time_at_start(s: &str) -> Option<TimeTok> {
    time_tok(s, 0, time_prefix_len(s.as_bytes())?)
}

/// The spans `TIME_RE.find_iter(line)` finds, found by hand: at each position where a time
/// can start (a digit, or `n`/`m` starting a word) the match is [`time_prefix_len`], and the
/// search goes on after it, as the regex's leftmost-first search does.
fn time_matches(line: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = line.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            let c = b[i];
            // `noon` and `midnight` start a word with `no` or `mi`.
            let next = b.get(i + 1).map_or(0, |n| n | 0x20);
            let may_start = c.is_ascii_digit()
                || (((c | 0x20 == b'n' && next == b'o') || (c | 0x20 == b'm' && next == b'i'))
                    && (i == 0 || !is_word_byte(b[i - 1])));
            if may_start {
                if let Some(n) = time_prefix_len(&b[i..]) {
                    let at = i;
                    i += n;
                    return Some((at, i));
                }
            }
            i += 1;
        }
        None
    })
}

/// `\w` in an ASCII regex.
pub(super) fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// What `TIME_RE` would match at the very start of `b`, read by hand (this runs on every
/// candidate timeline line, where a regex call costs more than the whole check).
fn time_prefix_len(b: &[u8]) -> Option<usize> {
    let word_end = |j: usize| !b.get(j).is_some_and(|c| is_word_byte(*c));
    for w in [&b"noon"[..], b"midnight"] {
        if b.get(..w.len()).is_some_and(|h| h.eq_ignore_ascii_case(w)) && word_end(w.len()) {
            return Some(w.len());
        }
    }
    let d = b.iter().take(3).take_while(|c| c.is_ascii_digit()).count();
    if d == 0 || d > 2 {
        return None;
    }
    let digit = |j: usize| b.get(j).is_some_and(u8::is_ascii_digit);
    let mut pos = d;
    let sep = matches!(b.get(d), Some(b':' | b'.' | b'h' | b'H')) && digit(d + 1) && digit(d + 2);
    if sep {
        pos = d + 3;
        if b.get(pos) == Some(&b':') && digit(pos + 1) && digit(pos + 2) {
            pos += 3;
        }
    }
    // `\s?[ap]\.?\s?m\b\.?`
    let mut j = pos;
    if b.get(j).is_some_and(|c| is_space(*c)) {
        j += 1;
    }
    let meridiem = if b
        .get(j)
        .is_some_and(|c| matches!(c.to_ascii_lowercase(), b'a' | b'p'))
    {
        j += 1;
        if b.get(j) == Some(&b'.') {
            j += 1;
        }
        if b.get(j).is_some_and(|c| is_space(*c)) {
            j += 1;
        }
        if b.get(j).is_some_and(|c| c.eq_ignore_ascii_case(&b'm')) && word_end(j + 1) {
            j += 1;
            if b.get(j) == Some(&b'.') {
                j += 1;
            }
            Some(j)
        } else {
            None
        }
    } else {
        None
    };
    match (sep, meridiem) {
        (_, Some(end)) => Some(end),
        (true, None) => Some(pos),
        (false, None) => None,
    }
}

/// Checks one `TIME_RE` match at `s..e` of `line` and reads it.
fn time_tok(line: &str, s: usize, e: usize) -> Option<TimeTok> {
    let bytes = line.as_bytes();
    let text = &line[s..e];
    if text.starts_with(|c: char| c.is_ascii_alphabetic()) {
        let noon = text.eq_ignore_ascii_case("noon");
        return Some(TimeTok {
            start: s,
            end: e,
            hour: if noon { 12 } else { 0 },
            minute: 0,
            pm: None,
        });
    }
    let (hour, sep, minute, pm) = read_time(text);
    // Preceded by a digit, letter or separator: part of something else (except `T10:00`).
    if s > 0 {
        let p = bytes[s - 1];
        let iso_t = (p == b'T' || p == b't') && s >= 2 && bytes[s - 2].is_ascii_digit();
        if !iso_t
            && (p.is_ascii_alphanumeric() || matches!(p, b'.' | b':' | b',' | b'/' | b'$' | b'#'))
        {
            return None;
        }
        // `2023-10`: part of a date.
        if p == b'-' && s >= 2 && bytes[s - 2].is_ascii_digit() && pm.is_none() {
            return None;
        }
    }
    let next = bytes.get(e).copied();
    if next.is_some_and(|b| {
        b.is_ascii_digit() || (b == b':' && bytes.get(e + 1).is_some_and(u8::is_ascii_digit))
    }) {
        return None;
    }
    if hour > 24 || minute > 59 || (hour == 24 && minute != 0) {
        return None;
    }
    match sep {
        None if pm.is_none() || hour == 0 || hour > 12 => return None,
        Some(b'h' | b'H') if pm.is_some() || next.is_some_and(|b| b.is_ascii_alphabetic()) => {
            return None
        }
        Some(b'.') if pm.is_none() && zone_after(line, e).is_none() => return None,
        Some(b'.') if next == Some(b'.') => return None,
        _ => {}
    }
    Some(TimeTok {
        start: s,
        end: e,
        hour,
        minute,
        pm,
    })
}

/// Reads a `TIME_RE` match: (hour, separator, minute, PM?). Seconds are dropped.
fn read_time(m: &str) -> (u8, Option<u8>, u8, Option<bool>) {
    let b = m.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let hour = m[..digits].parse().unwrap_or(99);
    let (sep, minute, mut i) = match b.get(digits) {
        Some(&s @ (b':' | b'.' | b'h' | b'H'))
            if b.get(digits + 1).is_some_and(u8::is_ascii_digit) =>
        {
            (
                Some(s),
                m.get(digits + 1..digits + 3)
                    .and_then(|x| x.parse().ok())
                    .unwrap_or(99),
                digits + 3,
            )
        }
        _ => (None, 0, digits),
    };
    if b.get(i) == Some(&b':') {
        i += 3;
    }
    let rest = super::trim_start(m.get(i..).unwrap_or(""));
    let pm = match rest.as_bytes().first() {
        Some(b'p' | b'P') => Some(true),
        Some(b'a' | b'A') => Some(false),
        _ => None,
    };
    (hour, sep, minute, pm)
}

/// Cheap hints before the date regexes: (four digits in a row, a month name starting a
/// word — after a space, punctuation or digits: `15Sep94`).
pub(super) fn date_hints(b: &[u8]) -> (bool, bool) {
    if !b.iter().any(u8::is_ascii_digit) {
        return (false, false);
    }
    let (mut year, mut month) = (false, false);
    let mut run = 0;
    let mut i = 0;
    while i < b.len() && !(year && month) {
        let c = b[i];
        if c.is_ascii_digit() {
            run += 1;
            year |= run == 4;
            i += 1;
            continue;
        }
        run = 0;
        if c.is_ascii_alphabetic() {
            // A whole word at a time: only its start can name a month.
            let len = b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            month = month || word_is_month(&b[i..i + len]);
            i += len;
            continue;
        }
        i += 1;
    }
    (year, month)
}

const MONTH_NAMES: [&[u8]; 12] = [
    b"january",
    b"february",
    b"march",
    b"april",
    b"may",
    b"june",
    b"july",
    b"august",
    b"september",
    b"october",
    b"november",
    b"december",
];

/// The month whose name starts with the three letters `w` starts with (any case), 0–11.
pub(super) fn month_of_prefix(w: &[u8]) -> Option<usize> {
    // (`| 0x20` makes only letters into letters.)
    let p = [w.first()? | 0x20, w.get(1)? | 0x20, w.get(2)? | 0x20];
    MONTH_HEADS.iter().position(|h| *h == p)
}

/// The first three letters of each month's name, in lower case, January first.
pub(super) const MONTH_HEADS: [[u8; 3]; 12] = [
    *b"jan", *b"feb", *b"mar", *b"apr", *b"may", *b"jun", *b"jul", *b"aug", *b"sep", *b"oct",
    *b"nov", *b"dec",
];

/// `Jan`, `january`, `Sept`, `MAY`: a whole word naming a month (`15Sep94` reads `Sep`).
pub(super) fn word_is_month(w: &[u8]) -> bool {
    if w.len() < 3 || w.len() > 9 {
        return false;
    }
    let Some(m) = month_of_prefix(w) else {
        return false;
    };
    let n = MONTH_NAMES[m];
    w.len() == 3
        || (w.len() <= n.len()
            && n[..w.len()].eq_ignore_ascii_case(w)
            && (w.len() == n.len() || w.len() == 4))
}

/// True when `s` opens with a month name (`Jan`, `march`, `Sept`…), for cheap checks.
pub fn starts_with_month(s: &str) -> bool {
    s.as_bytes()
        .get(..3)
        .is_some_and(|h| MONTH_HEADS.iter().any(|m| h.eq_ignore_ascii_case(m)))
}

/// True when `s` says `noon` or `midnight` (the only times without digits).
pub fn mentions_noon(s: &str) -> bool {
    // Fast substring scans first; the exact check only on the rare hit.
    if !["oon", "OON", "dnight", "DNIGHT"]
        .iter()
        .any(|w| s.contains(w))
    {
        return false;
    }
    let b = s.as_bytes();
    (0..b.len()).any(|i| match b[i] | 0x20 {
        b'n' => b
            .get(i..i + 4)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"noon")),
        b'm' => b
            .get(i..i + 8)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"midnight")),
        _ => false,
    })
}

/// ASCII case-insensitive substring test, without allocating.
pub fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return true;
    }
    // Only where the needle's rarest letter is (in English text), in either case.
    let (k, &rare) = n
        .iter()
        .enumerate()
        .min_by_key(|(_, c)| letter_rank(**c))
        .expect("a needle that is not empty");
    memchr::memchr2_iter(rare.to_ascii_lowercase(), rare.to_ascii_uppercase(), h).any(|i| {
        i >= k
            && h.get(i - k..i - k + n.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

/// How common a byte is in English text: letters rank 0 (rarest) to 25 (commonest), other
/// bytes 26.
fn letter_rank(c: u8) -> u8 {
    static RANK: [u8; 256] = {
        const BY_FREQUENCY: &[u8; 26] = b"zqxjkvbpygfwmucldrhsnioate";
        let mut t = [26u8; 256];
        let mut r = 0;
        while r < 26 {
            let c = BY_FREQUENCY[r];
            t[c as usize] = r as u8;
            t[c.to_ascii_uppercase() as usize] = r as u8;
            r += 1;
        }
        t
    };
    RANK[c as usize]
}

/// A zone starting at `pos` (after spaces, `(` and `[`), as written.
pub fn zone_after(line: &str, pos: usize) -> Option<ZoneTok> {
    let rest = line.get(pos..)?;
    let skip = rest.len() - super::trim_start_bytes(rest, b" \t([*_").len();
    let at = pos + skip;
    // Every zone starts with a letter or a sign.
    if !line[at..].starts_with(|c: char| c.is_alphabetic() || matches!(c, '+' | '-' | '−')) {
        return None;
    }
    // Zones are short: look no further than this, so each time costs O(1).
    let rest = super::window::head(&line[at..], 64);
    // Cheap checks first (most times are followed by words, not zones): an offset is a sign
    // and two digits (and only `ZONE_AFTER_TIME_RE` reads it); a zone starting with a small
    // letter is `utc`, `gmt` or a region name ending in `time`.
    let mut chars = rest.chars();
    let signed = match chars.next() {
        Some('+' | '-' | '−') => {
            if !(chars.next().is_some_and(char::is_numeric)
                && chars.next().is_some_and(char::is_numeric))
            {
                return None;
            }
            true
        }
        Some('a'..='z') => {
            let head3 = rest.as_bytes().get(..3);
            let utc_gmt = head3
                .is_some_and(|h| h.eq_ignore_ascii_case(b"utc") || h.eq_ignore_ascii_case(b"gmt"));
            if !utc_gmt && !contains_ci(rest, "time") {
                return None;
            }
            false
        }
        _ => false,
    };
    let found = if signed {
        None
    } else {
        leading_abbreviation(rest).or_else(|| {
            let end = ZONE_AT_START_RE.find(rest)?.end();
            Some((end, parse_written(&rest[..end])?))
        })
    };
    if let Some((end, zone)) = found {
        {
            let tok = ZoneTok {
                start: at,
                end: at + end,
                zone,
            };
            return Some(abbreviation_after(line, tok));
        }
    }
    let m = ZONE_AFTER_TIME_RE.find(rest)?;
    let w = m.as_str();
    let lower = w.to_ascii_lowercase();
    if lower.starts_with("local")
        || lower.contains("same")
        || lower.contains("the ")
        || lower.contains("this")
        || lower.contains("that")
    {
        return None;
    }
    let zone = parse_written(w).unwrap_or(Zone {
        written: w.to_string(),
        offset_minutes: None,
        iana: None,
        ambiguous: true,
    });
    // `Z` only counts glued to the time.
    if w == "Z" && skip > 0 {
        return None;
    }
    Some(abbreviation_after(
        line,
        ZoneTok {
            start: at,
            end: at + w.len(),
            zone,
        },
    ))
}

/// What [`ZONE_AT_START_RE`] matches at the start of `rest` when that is a zone
/// abbreviation in capitals (`PST`, `UTC`) as a whole word, found without the regex (its
/// length); `None` when the regex must decide (`UTC+5`, names, anything else).
fn leading_abbreviation(rest: &str) -> Option<(usize, Zone)> {
    let b = rest.as_bytes();
    let n = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if n < 3
        || b.get(n)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    {
        return None;
    }
    let w = &rest[..n];
    if w == "UTC" || w == "GMT" {
        // `UTC+5`, `GMT - 3`: an offset follows (the regex reads it).
        if rest[n..].trim_start().starts_with(['+', '-', '−']) {
            return None;
        }
    }
    // What `parse_written` makes of it, without looking the table up twice.
    let (offset, ambiguous) = abbreviation(w)?;
    let zone = Zone {
        written: w.to_string(),
        offset_minutes: Some(offset),
        iana: None,
        ambiguous,
    };
    Some((n, zone))
}

/// The offset and ambiguity of an abbreviation of [`ABBREVIATIONS`] written in capitals,
/// three or four letters long (`PST`, `CEST`): looked up by its bytes as one number.
fn abbreviation(w: &str) -> Option<(i32, bool)> {
    fn key(w: &[u8]) -> Option<u32> {
        (3..=4)
            .contains(&w.len())
            .then(|| w.iter().fold(0u32, |k, &c| k << 8 | u32::from(c)) << (8 * (4 - w.len())))
    }
    static BY_KEY: LazyLock<Vec<(u32, i32, bool)>> = LazyLock::new(|| {
        let mut v: Vec<(u32, i32, bool)> = ABBREVIATIONS
            .iter()
            .filter_map(|&(a, offset, ambiguous)| Some((key(a.as_bytes())?, offset, ambiguous)))
            .collect();
        v.sort();
        v
    });
    let k = key(w.as_bytes())?;
    let i = BY_KEY.binary_search_by_key(&k, |e| e.0).ok()?;
    Some((BY_KEY[i].1, BY_KEY[i].2))
}

/// `Central African Time (CAT)`: the abbreviation in brackets is the zone as written.
fn abbreviation_after(line: &str, tok: ZoneTok) -> ZoneTok {
    let w = &tok.zone.written;
    if !w.contains(' ') && !w.starts_with(['+', '-', '−']) {
        return tok;
    }
    let rest = super::window::head(&line[tok.end..], 24);
    let inner = rest
        .trim_start()
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'));
    if let Some((abbr, _)) = inner {
        let abbr = abbr.trim();
        if let Some(zone) = parse_written(abbr)
            .filter(|_| abbr.len() <= 5 && abbr.chars().all(|c| c.is_ascii_uppercase()))
        {
            let end = tok.end + rest.find(')').map_or(0, |i| i + 1);
            return ZoneTok {
                start: tok.start,
                end,
                zone,
            };
        }
    }
    tok
}

/// Every zone named in `line` (abbreviations in capitals, offsets, region and IANA names).
pub fn zones(line: &str) -> Vec<ZoneTok> {
    ZONE_RE
        .find_iter(line)
        .filter_map(|m| {
            let zone = parse_written(m.as_str())?;
            Some(ZoneTok {
                start: m.start(),
                end: m.end(),
                zone,
            })
        })
        .collect()
}

fn parse_written(w: &str) -> Option<Zone> {
    let w = w.trim();
    // `parse_zone` keeps `w` as written (it is trimmed already).
    if let Some(z) = parse_zone(w) {
        return Some(z);
    }
    let ends_with_time = w
        .as_bytes()
        .get(w.len().saturating_sub(4)..)
        .is_some_and(|e| e.eq_ignore_ascii_case(b"time"));
    if ends_with_time && w.split_whitespace().count() >= 2 {
        return Some(Zone {
            written: w.to_string(),
            offset_minutes: None,
            iana: None,
            ambiguous: true,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        /// The groups read by hand are the ones the regexes capture.
        #[test]
        fn date_groups_by_hand_are_the_captures(
            s in "([0-9 ,./:-]|[0-9]{4}|[0-9]{1,2}|st|nd|th|of|OF|T|PST|jan|January|MAR|march|May|june|Sept|sept|oct|Nov|december|dec\\.|–|é|x){0,14}"
        ) {
            prop_assert_eq!(dates_read(&s, true, true, true), dates_read(&s, true, true, false), "{:?}", s);
        }

        /// The cheap test before the numeric date regex never refuses what it matches.
        #[test]
        fn numeric_dates_pass_the_cheap_test(
            s in "(x|é| |1)?[0-9]{1,4}(,[ \t\x0b]{0,2}|[-/.]| )?[0-9]{1,4}(,[ \t\x0b]{0,2}|[-/.]| )?[0-9]{1,5}(T|x| |,)?"
        ) {
            prop_assert!(may_hold_numeric_date(s.as_bytes()) || !NUMERIC_DATE_RE.is_match(&s), "{:?}", s);
        }

        #[test]
        fn date_groups_by_hand_are_the_captures_on_any_text(s in any::<String>()) {
            prop_assert_eq!(dates_read(&s, true, true, true), dates_read(&s, true, true, false));
        }
    }

    #[test]
    fn date_forms_by_hand() {
        for s in [
            "Tue Nov 26 07:14:59 PST 2013",
            "Nov 26 07:14 2013 and March 1, 2023",
            "Mar 1st 2023, May 10-11, 2022, May 10–11, 2022, March 4",
            "1 March 2023, 31st of January, 2023, 8th may, 2023, 2 of march",
            "06/May/2022 06-may-2022 06 May 2022 15Sep94 15sep1994",
            "2023-03-01 2019-1-17 2023/03/01 2023-03-01T10:00",
            "15/10/2023 10/15/2023 04-12-2022 1.4.2022 03, 14, 2024 03,14,2024",
            "May 10-2022 May 2023 Dec. 5 2022 dec. 05, 2021",
        ] {
            assert_eq!(
                dates_read(s, true, true, true),
                dates_read(s, true, true, false),
                "{s}"
            );
            assert!(!dates_read(s, true, true, true).is_empty(), "{s}");
        }
    }

    #[test]
    fn abbreviations_are_looked_up_by_their_bytes() {
        for &(a, offset, ambiguous) in ABBREVIATIONS {
            let want = (a.len() >= 3).then_some((offset, ambiguous));
            assert_eq!(abbreviation(a), want, "{a}");
        }
        for w in ["pst", "PSTX", "PS", "", "ABC", "UTCZ"] {
            assert_eq!(abbreviation(w), None, "{w}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// The hand-written scanner finds exactly what `TIME_RE.find_iter` finds.
        #[test]
        fn time_scanner_is_the_regex(s in "[0-9:. apmAPMhHnoNOidgtT\t\x0B_x.é-]{0,24}") {
            let want: Vec<(usize, usize)> =
                TIME_RE.find_iter(&s).map(|m| (m.start(), m.end())).collect();
            prop_assert_eq!(time_matches(&s).collect::<Vec<_>>(), want);
        }

        #[test]
        fn time_scanner_is_the_regex_on_any_text(s in any::<String>()) {
            let want: Vec<(usize, usize)> =
                TIME_RE.find_iter(&s).map(|m| (m.start(), m.end())).collect();
            prop_assert_eq!(time_matches(&s).collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn accepted_dates() {
        let known: &[(&str, Date)] = &[
            ("On March 1, 2023 the API failed", date(2023, 3, 1)),
            ("Monday, March 1, 2023", date(2023, 3, 1)),
            ("Mar 1st, 2023 at noon", date(2023, 3, 1)),
            ("since 1 March 2023", date(2023, 3, 1)),
            ("on the 31st of January, 2023", date(2023, 1, 31)),
            ("Tuesday 8th may, 2023", date(2023, 5, 8)),
            ("Outage window 2023-03-01 10:00", date(2023, 3, 1)),
            ("2019-1-17", date(2019, 1, 17)),
            ("at 2023-03-01T10:00:00Z", date(2023, 3, 1)),
            ("Start: 15/10/2023", date(2023, 10, 15)),
            ("Start: 10/15/2023", date(2023, 10, 15)),
            ("Start: 03, 14, 2024, 9 AM", date(2024, 3, 14)),
            ("Date: 06/May/2022", date(2022, 5, 6)),
            ("powered off on 15Sep94", date(1994, 9, 15)),
            ("May 10-11, 2022: the long night", date(2022, 5, 10)),
            ("Sept 3 2021", date(2021, 9, 3)),
            ("date: Tue Nov 26 07:14:59 PST 2013", date(2013, 11, 26)),
        ];
        for (text, want) in known {
            let d = dates(text);
            assert_eq!(
                d.first().map(|d| d.value),
                Some(DateVal::Known(*want)),
                "{text}"
            );
        }
        let amb = dates("the 04/05/2023 release");
        assert_eq!(
            amb[0].value,
            DateVal::Ambiguous(date(2023, 5, 4), date(2023, 4, 5))
        );
        assert_eq!(
            dates("on Saturday, March 4 we")[0].value,
            DateVal::NoYear(3, 4)
        );
        assert!(dates("version 1.2.3 and 99.95%").is_empty());
        assert!(dates("31/31/2023").is_empty());
    }

    #[test]
    fn accepted_times() {
        let cases: &[(&str, Option<(i8, i8)>)] = &[
            ("at 14:00 UTC", Some((14, 0))),
            ("at 2:00 PM", Some((14, 0))),
            ("at 2:00pm", Some((14, 0))),
            ("from 3 a.m", Some((3, 0))),
            ("around 10am", Some((10, 0))),
            ("12:00 AM", Some((0, 0))),
            ("12:30 PM", Some((12, 30))),
            ("24:00", Some((0, 0))),
            ("13:00PM", Some((13, 0))),
            ("08:00:15", Some((8, 0))),
            ("**08.45 UTC**", Some((8, 45))),
            ("vers 15h45", Some((15, 45))),
            ("shortly after noon", Some((12, 0))),
            ("2023-03-01T10:00:00Z", Some((10, 0))),
            ("1.5 hours", None),
            ("2h30m", None),
            ("99.95%", None),
            ("version 1.10", None),
            ("room 12", None),
            ("took 45 minutes", None),
        ];
        for (text, want) in cases {
            let got = times(text).first().map(|t| {
                let t = t.time();
                (t.hour(), t.minute())
            });
            assert_eq!(got, *want, "{text}");
        }
    }

    #[test]
    fn meridiem_is_shared_across_a_range() {
        let t = times("from 2:00 to 3:30 AM");
        assert_eq!(
            t[0].with_meridiem_of(&t[1], true).time(),
            jiff::civil::time(2, 0, 0, 0)
        );
        let t = times("from 11:00 to 1:00 PM");
        assert_eq!(
            t[0].with_meridiem_of(&t[1], true).time(),
            jiff::civil::time(11, 0, 0, 0)
        );
        let t = times("from 12:02 to 12:20 AM");
        assert_eq!(
            t[0].with_meridiem_of(&t[1], true).time(),
            jiff::civil::time(0, 2, 0, 0)
        );
    }

    #[test]
    fn iso_dates_read_by_hand_as_the_regexes_read_them() {
        for text in [
            "2024-12-29 00:07 UTC",
            "2023/3/1T10:00",
            "2023-03-01T10:00:00Z",
            "2024-13-45 x",
            "2024-12-290",
            "2024-123-1",
            "20245-1-1",
            "2024-1-1x",
            "2024-1-1_",
            "2024-1-1é",
            "2024-02-30",
            "1999-1-2.",
            "2024/12-01",
        ] {
            if let Some(got) = iso_date_at_start(text) {
                let first = dates(text).into_iter().next().filter(|d| d.start == 0);
                assert_eq!(got, first, "{text}");
            }
        }
        assert!(iso_date_at_start("May 3, 2024").is_none());
        assert!(iso_date_at_start("2024-12-29 00:07").is_some());
    }

    #[test]
    fn abbreviations_read_by_hand_as_the_regex_reads_them() {
        for rest in [
            "UTC",
            "UTC: x",
            "UTC+5",
            "UTC \u{a0}- 3",
            "GMT+01:00",
            "PST)",
            "PSTx",
            "PST_",
            "PST2",
            "EDT, then",
            "ABC",
            "IST.",
            "CEST",
            "Utc",
            "UT",
            "WAT—",
        ] {
            if let Some((n, zone)) = leading_abbreviation(rest) {
                assert_eq!(
                    ZONE_AT_START_RE.find(rest).map(|m| m.end()),
                    Some(n),
                    "{rest}"
                );
                assert_eq!(parse_written(&rest[..n]), Some(zone), "{rest}");
            }
        }
        assert_eq!(leading_abbreviation("UTC+5"), None);
        assert_eq!(leading_abbreviation("PST)").map(|(n, _)| n), Some(3));
    }

    #[test]
    fn zones_as_written() {
        let cases: &[(&str, &str)] = &[
            ("10:00 AM (PST)", "PST"),
            ("14:00 GMT + 1", "GMT + 1"),
            ("10am UTC-5", "UTC-5"),
            ("13:07:00+00:00", "+00:00"),
            ("06:00 AM (GMT+03:00)", "GMT+03:00"),
            ("2:00 PM Eastern Standard Time", "Eastern Standard Time"),
            ("07:55 PM West saudi arabia Time.", "West saudi arabia Time"),
            ("11:45 AM West African Time", "West African Time"),
            ("9:00 Europe/Paris", "Europe/Paris"),
        ];
        for (text, want) in cases {
            let t = times(text);
            let z = zone_after(text, t[0].end).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(z.zone.written, *want, "{text}");
        }
        assert!(zone_after("10:00 local time", 5).is_none());
        assert!(zone_after("10:00 and then", 5).is_none());
        assert_eq!(zones("All times are in UTC.")[0].zone.written, "UTC");
        assert!(zones("the cat sat on est").is_empty());
    }
}
