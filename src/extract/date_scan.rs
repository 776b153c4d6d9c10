//! The matches of the two date regexes of `when.rs` found by hand: where
//! `NUMERIC_DATE_RE.find_at(text, at)` and `MONTH_DATE_RE.find_at(text, at)` match, without
//! the regexes. Each line that names a month and has a digit, or has a four-digit run, was
//! searched by a lazy DFA that is cold by the time the next document reaches it (a few
//! hundred nanoseconds a call, most of it memory the rest of the extraction had pushed out
//! of the cache). The regexes stay the definition: proptests hold these scans to them.
//!
//! | form (regex alternatives, in order)   | written                              |
//! |---------------------------------------|--------------------------------------|
//! | numeric 1: year first                 | `2023-03-01`, `2023/3/1`, `2023-03-01T10:00` |
//! | numeric 2: year last                  | `15/10/2023`, `04-12-2022`, `1.4.2022` |
//! | numeric 3: commas                     | `03, 14, 2024`                       |
//! | month 1: the `date` command           | `Nov 26 07:14:59 PST 2013`           |
//! | month 2: month first                  | `March 1, 2023`, `Mar 1st 2023`, `May 10-11, 2022`, `March 4` |
//! | month 3: day first                    | `1 March 2023`, `31st of January, 2023` |
//! | month 4: slashes or dashes            | `06/May/2022`, `06-may-2022`          |
//! | month 5: run together                 | `15Sep94`, `15sep1994`               |
//!
//! Both regexes start every form at a word boundary (ASCII), at a digit or at a month
//! name. The leftmost position where a form matches holds the match, and there the first
//! form that matches; each form is read as the regex reads it, greedy parts and all:
//!
//! - a one-or-two-digit number (`\d{1,2}`) is always followed by something that is not a
//!   digit, so it is a whole run of one or two digits;
//! - a year (`\d{4}\b`) is a run of exactly four digits with no word character after it;
//! - a month name is its longest form written there (`september` before `sept` before
//!   `sep`): every form is followed by white space, `.`, `-`, `/`, a digit or a word
//!   boundary, never a letter, so a shorter form, followed by the rest of the longer one's
//!   letters, never matches where a longer one was written.
//!
//! The month regex runs in Unicode mode (a `–` in one of its classes), where white space,
//! digits and case folding reach beyond ASCII; its scan reads ASCII lines only (the caller
//! checks, once a line), and the regex reads the rest. The numeric regex is ASCII throughout.

use super::when::{is_space, is_word_byte as is_word, run_end};

fn digit(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

/// The end of the run of digits from `i`.
fn digits_end(b: &[u8], i: usize) -> usize {
    run_end(b, i, |c| c.is_ascii_digit())
}

/// The end of the run of white space (ASCII `\s`) from `i`.
fn space_end(b: &[u8], i: usize) -> usize {
    run_end(b, i, is_space)
}

/// True when a word boundary follows a word character at `i` (nothing, or no word
/// character, at `i`).
fn boundary(b: &[u8], i: usize) -> bool {
    !b.get(i).copied().is_some_and(is_word)
}

/// The end of a one-or-two-digit number at `i` (`\d{1,2}`, followed by no digit).
fn day_end(b: &[u8], i: usize) -> Option<usize> {
    let e = digits_end(b, i);
    (1..=2).contains(&(e - i)).then_some(e)
}

/// The end of a year at `i`: four digits and a word boundary (`\d{4}\b`).
fn year_end(b: &[u8], i: usize) -> Option<usize> {
    let e = digits_end(b, i);
    (e - i == 4 && boundary(b, e)).then_some(e)
}

/// The end of an ordinal suffix at `i` (`st`, `nd`, `rd`, `th`, any case), if one is there.
fn ordinal_end(b: &[u8], i: usize) -> Option<usize> {
    let w = b.get(i..i + 2)?;
    [b"st", b"nd", b"rd", b"th"]
        .iter()
        .any(|o| w.eq_ignore_ascii_case(*o))
        .then_some(i + 2)
}

/// The forms of each month name, longest first, as the regex's month group
/// `jan(?:uary)?|…|sept?(?:ember)?|…` can match them.
const MONTH_FORMS: [&[&[u8]]; 12] = [
    &[b"january", b"jan"],
    &[b"february", b"feb"],
    &[b"march", b"mar"],
    &[b"april", b"apr"],
    &[b"may"],
    &[b"june", b"jun"],
    &[b"july", b"jul"],
    &[b"august", b"aug"],
    &[b"september", b"sept", b"sepember", b"sep"],
    &[b"october", b"oct"],
    &[b"november", b"nov"],
    &[b"december", b"dec"],
];

/// The end of the longest form of a month name written at `i` (any case).
fn month_end(b: &[u8], i: usize) -> Option<usize> {
    let k = super::when::month_of_prefix(b.get(i..)?)?;
    MONTH_FORMS[k]
        .iter()
        .find(|f| {
            b.get(i..i + f.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(f))
        })
        .map(|f| i + f.len())
}

/// The start and end of the first match of `NUMERIC_DATE_RE` in `text` from `at`.
pub(super) fn numeric_date_at(text: &str, at: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    word_starts(b, at)
        .filter(|&p| b[p].is_ascii_digit())
        .find_map(|p| numeric_date(b, p).map(|e| (p, e)))
}

/// The start and end of the first match of `MONTH_DATE_RE` in `text` from `at`, where
/// `text` is ASCII (the caller checks it once a line: a check here, at each match of a
/// long line, would make the line's reading quadratic).
pub(super) fn month_date_at(text: &str, at: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    word_starts(b, at).find_map(|p| month_date(b, p).map(|e| (p, e)))
}

/// The positions from `at` where a word starts (a word character with none before it).
fn word_starts(b: &[u8], at: usize) -> impl Iterator<Item = usize> + '_ {
    (at..b.len()).filter(move |&p| is_word(b[p]) && (p == 0 || !is_word(b[p - 1])))
}

/// The end of a numeric date starting at `p` (a digit at a word start), the forms tried
/// in the regex's order.
fn numeric_date(b: &[u8], p: usize) -> Option<usize> {
    let sep = |i: usize, set: &[u8]| b.get(i).is_some_and(|c| set.contains(c));
    let e = digits_end(b, p);
    if e - p == 4 {
        // `\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:\b|T)`
        if !sep(e, b"-/") {
            return None;
        }
        let m = day_end(b, e + 1).filter(|&m| sep(m, b"-/"))?;
        let d = day_end(b, m + 1)?;
        return if boundary(b, d) {
            Some(d)
        } else {
            (b[d] == b'T').then_some(d + 1)
        };
    }
    let first = day_end(b, p)?;
    if sep(first, b"/.-") {
        // `\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b`
        let second = day_end(b, first + 1).filter(|&s| sep(s, b"/.-"))?;
        return year_end(b, second + 1);
    }
    // `\d{1,2},\s*\d{1,2},\s*\d{4}\b`
    if b.get(first) != Some(&b',') {
        return None;
    }
    let second = day_end(b, space_end(b, first + 1)).filter(|&s| b.get(s) == Some(&b','))?;
    year_end(b, space_end(b, second + 1))
}

/// The end of a date with a month name starting at `p` (a word start) in ASCII text, the
/// forms tried in the regex's order.
fn month_date(b: &[u8], p: usize) -> Option<usize> {
    if b[p].is_ascii_alphabetic() {
        let m = month_end(b, p)?;
        return command_date(b, m).or_else(|| month_first(b, m));
    }
    if !b[p].is_ascii_digit() {
        return None;
    }
    let d = day_end(b, p)?;
    day_first(b, d)
        .or_else(|| {
            // `\d{1,2}[-/ ]{m}[-/ ]\d{4}\b`
            let sep = |i: usize| b.get(i).is_some_and(|c| b"-/ ".contains(c));
            let m = sep(d).then(|| month_end(b, d + 1)).flatten()?;
            sep(m).then(|| year_end(b, m + 1)).flatten()
        })
        .or_else(|| {
            // `\d{1,2}{m}(?:\d{2}|\d{4})\b`
            let m = month_end(b, d)?;
            let y = digits_end(b, m);
            (matches!(y - m, 2 | 4) && boundary(b, y)).then_some(y)
        })
}

/// `{m}\s+\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s+(?:[A-Z]{2,5}\s+)?\d{4}\b` (case
/// folded) after a month name ending at `m`.
fn command_date(b: &[u8], m: usize) -> Option<usize> {
    let spaced = |i: usize| Some(space_end(b, i)).filter(|&j| j > i);
    let day = day_end(b, spaced(m)?)?;
    let hour = day_end(b, spaced(day)?)?;
    if b.get(hour) != Some(&b':') || !digit(b, hour + 1) || !digit(b, hour + 2) {
        return None;
    }
    let mut t = hour + 3;
    if b.get(t) == Some(&b':') && digit(b, t + 1) && digit(b, t + 2) {
        t += 3;
    }
    let w = spaced(t)?;
    let letters = w + b[w..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let y = match (2..=5).contains(&(letters - w)) {
        true => spaced(letters).unwrap_or(w),
        false => w,
    };
    year_end(b, y)
}

/// `{m}\.?\s+\d{1,2}(?:st|nd|rd|th)?\b(?:\s*[-–]\s*\d{1,2}(?:st|nd|rd|th)?)?
/// (?:(?:\s*,\s*|\s+)\d{4}\b)?` after a month name ending at `m` (in ASCII text, where
/// the `–` is never written).
fn month_first(b: &[u8], m: usize) -> Option<usize> {
    let dot = m + usize::from(b.get(m) == Some(&b'.'));
    let at = Some(space_end(b, dot)).filter(|&j| j > dot)?;
    let day = day_end(b, at)?;
    let mut end = match ordinal_end(b, day).filter(|&o| boundary(b, o)) {
        Some(o) => o,
        None if boundary(b, day) => day,
        None => return None,
    };
    // The range: taken whenever it is written, as everything after it is optional.
    let dash = space_end(b, end);
    if b.get(dash) == Some(&b'-') {
        let from = space_end(b, dash + 1);
        let n = digits_end(b, from) - from;
        if n > 0 {
            let to = from + n.min(2);
            end = ordinal_end(b, to).unwrap_or(to);
        }
    }
    // The year: after a comma, else after white space.
    let comma = space_end(b, end);
    if b.get(comma) == Some(&b',') {
        if let Some(y) = year_end(b, space_end(b, comma + 1)) {
            return Some(y);
        }
    }
    let y = space_end(b, end);
    Some(if y > end {
        year_end(b, y).unwrap_or(end)
    } else {
        end
    })
}

/// `\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?{m}\b\.?(?:,?\s+\d{4}\b)?` after a number
/// ending at `d`.
fn day_first(b: &[u8], d: usize) -> Option<usize> {
    let after = ordinal_end(b, d).unwrap_or(d);
    let at = Some(space_end(b, after)).filter(|&j| j > after)?;
    let of = b
        .get(at..at + 2)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"of"));
    let month_at = match space_end(b, at + 2) {
        j if of && j > at + 2 => j,
        _ => at,
    };
    let m = month_end(b, month_at).filter(|&m| boundary(b, m))?;
    let end = m + usize::from(b.get(m) == Some(&b'.'));
    let comma = end + usize::from(b.get(end) == Some(&b','));
    let y = space_end(b, comma);
    Some(match (y > comma).then(|| year_end(b, y)).flatten() {
        Some(y) => y,
        None => end,
    })
}

#[cfg(test)]
mod tests {
    use super::super::when::{MONTH_DATE_RE, NUMERIC_DATE_RE};
    use super::*;
    use proptest::prelude::*;

    /// What the regex finds from each place in `text` (on a character boundary) is what the
    /// scan finds, where the scan answers.
    fn check(
        text: &str,
        re: &regex::Regex,
        scan: impl Fn(&str, usize) -> Option<Option<(usize, usize)>>,
    ) -> Result<(), TestCaseError> {
        for at in (0..=text.len()).filter(|&at| text.is_char_boundary(at)) {
            let want = re.find_at(text, at).map(|m| (m.start(), m.end()));
            if let Some(got) = scan(text, at) {
                prop_assert_eq!(got, want, "{:?} from {}", text, at);
            }
        }
        Ok(())
    }

    #[test]
    fn forms() {
        fn month(t: &str) -> Option<&str> {
            month_date_at(t, 0).map(|(s, e)| &t[s..e])
        }
        fn numeric(t: &str) -> Option<&str> {
            numeric_date_at(t, 0).map(|(s, e)| &t[s..e])
        }
        let months: &[(&str, Option<&str>)] = &[
            (
                "on Tue Nov 26 07:14:59 PST 2013.",
                Some("Nov 26 07:14:59 PST 2013"),
            ),
            ("March 1, 2023 at noon", Some("March 1, 2023")),
            ("Mar 1st 2023", Some("Mar 1st 2023")),
            ("May 10-11, 2022", Some("May 10-11, 2022")),
            ("since March 4.", Some("March 4")),
            ("1 March 2023", Some("1 March 2023")),
            ("the 31st of January, 2023", Some("31st of January, 2023")),
            ("06/May/2022", Some("06/May/2022")),
            ("15Sep94", Some("15Sep94")),
            ("15sep1994", Some("15sep1994")),
            ("Sept. 5 2022", Some("Sept. 5 2022")),
            ("we may need 2 more", None),
            ("123 March", None),
            ("Marchx 5", None),
        ];
        let numerics: &[(&str, Option<&str>)] = &[
            ("2023-03-01", Some("2023-03-01")),
            ("2023/3/1T10:00", Some("2023/3/1T")),
            ("15/10/2023", Some("15/10/2023")),
            ("1.4.2022.", Some("1.4.2022")),
            ("03, 14, 2024", Some("03, 14, 2024")),
            ("12023-03-01 and 2023-03-011", None),
        ];
        type Scan = fn(&str) -> Option<&str>;
        let forms: [(Scan, &regex::Regex, _); 2] = [
            (month, &MONTH_DATE_RE, months),
            (numeric, &NUMERIC_DATE_RE, numerics),
        ];
        for (scan, re, cases) in forms {
            for (text, want) in cases {
                assert_eq!(scan(text), *want, "{text}");
                assert_eq!(re.find(text).map(|m| m.as_str()), *want, "{text}");
            }
        }
    }

    /// The month scan, on ASCII text only (as the caller runs it).
    fn ascii_month(t: &str, at: usize) -> Option<Option<(usize, usize)>> {
        t.is_ascii().then(|| month_date_at(t, at))
    }

    /// A slot of a form: what the form accepts there, and near misses.
    type Slot = (&'static [&'static str], &'static [&'static str]);

    /// One piece from each slot, in order: mostly what the form accepts, with a near miss
    /// in one slot in six, so that texts hold whole dates and dates broken in one place.
    fn slots(slots: &'static [Slot]) -> impl Strategy<Value = String> {
        slots
            .iter()
            .map(|&(good, bad)| {
                prop_oneof![
                    5 => proptest::sample::select(good),
                    1 => proptest::sample::select(bad),
                ]
            })
            .collect::<Vec<_>>()
            .prop_map(|parts| parts.concat())
    }

    const PRE: Slot = (&["", " ", "on "], &["x", "_", "1", "é "]);
    const MONTH: Slot = (
        &[
            "March",
            "mar",
            "MAY",
            "Sept",
            "sepember",
            "september",
            "june",
            "Jul",
            "dec",
        ],
        &["Septx", "x", "ma", "Marc", "Sep_"],
    );
    const SPACE: Slot = (&[" ", "  ", "\t", "\n "], &["", "x", "_", ","]);
    const DAY: Slot = (&["1", "12"], &["", "123", "2023", "1x", "1_"]);
    const ORDINAL: Slot = (&["", "st", "ND", "th"], &["stx", "th1", "nd_", "s", "x"]);
    const YEAR: Slot = (&["2023"], &["", "202", "20234", "2023x", "2023_", "23"]);
    const POST: Slot = (
        &["", ".", " ", "-", ", and"],
        &["x", "T", "t", "_", "é", "1"],
    );

    fn month_texts() -> impl Strategy<Value = String> {
        const DOT: Slot = (&["", "."], &[".x", ".."]);
        const RANGE: Slot = (
            &["", "-1", " - 12", "-\t3", "-12th", "-123"],
            &["-", "/1", ":12", "--1", "- x", "-12x"],
        );
        const LATER_YEAR: Slot = (
            &["", ", 2023", " 2023", ",2023", ",\t2023", " , 2023"],
            &["2023", " ,2023x", " 20234", ", 2023_", ",, 2023", ", 202"],
        );
        const CLOCK: Slot = (
            &["07:14", "7:14:59", "23:00:01"],
            &["7:1", "07 14", "7:14 59", "7:145", "7:14:5"],
        );
        const ZONE: Slot = (
            &["", "PST ", "ab\t", "UTCXY "],
            &["ABCDEF ", "P ", "PST", "pst1 "],
        );
        const OF: Slot = (&["", "of ", "OF  "], &["of", "ofx ", "o "]);
        const SEP: Slot = (&["-", "/", " "], &["", "\t", ".", "--"]);
        const SHORT_YEAR: Slot = (&["94", "1994"], &["9", "199", "19945", "94x"]);
        prop_oneof![
            slots(&[PRE, MONTH, DOT, SPACE, DAY, ORDINAL, RANGE, LATER_YEAR, POST]),
            slots(&[PRE, MONTH, SPACE, DAY, SPACE, CLOCK, SPACE, ZONE, YEAR, POST]),
            slots(&[PRE, DAY, ORDINAL, SPACE, OF, MONTH, DOT, LATER_YEAR, POST]),
            slots(&[PRE, DAY, SEP, MONTH, SEP, YEAR, POST]),
            slots(&[PRE, DAY, MONTH, SHORT_YEAR, POST]),
        ]
    }

    fn numeric_texts() -> impl Strategy<Value = String> {
        const SEP: Slot = (&["-", "/", ".", ",", ", ", ",\t"], &["", " ", ":", "--"]);
        const LONG: Slot = (&["2023", "1", "12"], &["123", "20234", ""]);
        slots(&[PRE, LONG, SEP, DAY, SEP, LONG, POST])
    }

    /// Texts made of the pieces of dates in any order.
    const PIECES: &str = "([0-9]|[0-9]{2}|[0-9]{4}| |\t|,|\\.|-|/|:|_|T|x|é|–|st|of|PST|jan|March|May|Sept|sepember|dec){0,12}";

    proptest! {
        #![proptest_config(ProptestConfig { cases: 20000, ..ProptestConfig::default() })]

        #[test]
        fn month_scan_is_the_regex_near_dates(text in month_texts()) {
            check(&text, &MONTH_DATE_RE, ascii_month)?;
        }

        #[test]
        fn numeric_scan_is_the_regex_near_dates(text in numeric_texts()) {
            check(&text, &NUMERIC_DATE_RE, |t, at| Some(numeric_date_at(t, at)))?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn scans_are_the_regexes_on_pieces(text in PIECES) {
            check(&text, &NUMERIC_DATE_RE, |t, at| Some(numeric_date_at(t, at)))?;
            check(&text, &MONTH_DATE_RE, ascii_month)?;
        }

        #[test]
        fn scans_are_the_regexes_on_any_text(text in any::<String>()) {
            check(&text, &NUMERIC_DATE_RE, |t, at| Some(numeric_date_at(t, at)))?;
            check(&text, &MONTH_DATE_RE, ascii_month)?;
        }
    }
}
