//! Stated outage durations. `window` compares them with the stated range and the timeline.
//!
//! | written                                          | minutes | note                           |
//! |--------------------------------------------------|---------|--------------------------------|
//! | `Duration: 2 hours`, `Duration (minutes): 55`    | 120, 55 | a `Duration` label             |
//! | `lasted 45 minutes`, `down for 75 minutes`       | 45, 75  | lasting verbs                  |
//! | `2h30m`, `1.5 hours`, `2.5-hour outage`          | 150, 90, 150 |                           |
//! | `an hour and a half`, `half an hour`             | 90, 30  | words                          |
//! | `lasting 1 hour and 48 minutes`, `3 hours 47 minutes` | 108, 227 |                       |
//! | `42 minutes 17 seconds`                          | 42      | seconds are dropped            |
//! | `approximately three hours`, `~12 minutes`       | 180, 12 | marked approximate             |
//! | `just under 7 hours`                             | 420     | marked approximate             |
//! | `(2 hours)` right after a time range             | 120     |                                |
//! | not: `a few hours`, `10-15 minutes`, `under 3hrs`, `within 30 minutes`, `every 5 minutes`, `as`, `am` |

use std::cell::LazyCell;
use std::sync::LazyLock;

use regex::Regex;

use super::hints::Hints;
use super::numbers::number;
use super::{when, Line};

/// The number words of a stated duration, each the last word of a number (`twenty-five`
/// ends with `five`), in the order the regexes try them (`an` before `a`). The line hints
/// (`hints.rs`) read the same words.
pub(super) const NUMBER_WORDS: &[&str] = &[
    "an", "a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "ninety",
];
/// The words that may follow a tens word (`twenty-five`).
const ONES: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];
/// The units of a stated duration as whole words, longer forms first. The line hints read
/// the same words.
pub(super) const UNIT_WORDS: &[&str] = &[
    "days", "day", "hours", "hour", "hrs", "hr", "h", "minutes", "minute", "mins", "min", "m",
    "seconds", "second", "secs", "sec", "s",
];

/// A number, in digits or words.
fn num() -> String {
    let (words, ones) = (NUMBER_WORDS.join("|"), ONES.join("|"));
    format!(r"(?:\d+(?:\.\d+)?|{words})(?:[\s-](?:{ones}))?")
}

fn unit() -> String {
    format!("(?:{})", UNIT_WORDS.join("|"))
}

/// A number and its unit: digits may touch the unit (`2h`, `45min`), a number word is
/// apart from it (`an hour`, `two-day`), so that `as` and `am` are not "a second" and
/// "a minute".
fn part() -> String {
    let (words, ones, unit) = (NUMBER_WORDS.join("|"), ONES.join("|"), unit());
    format!(
        r"(?:\d+(?:\.\d+)?(?:[\s-]*|[\s-](?:{ones})[\s-]+)|(?:{words})(?:[\s-](?:{ones}))?[\s-]+){unit}"
    )
}

static AMOUNT_RE: LazyLock<Regex> = LazyLock::new(|| {
    let part = part();
    super::re(&format!(
        r"(?i)(?-u:\b)(?:\d+\s*h(?:ours?|rs?)?\s*\d+\s*m(?:in(?:ute)?s?)?(?-u:\b)|half\s+an\s+hour|{part}(?-u:\b)(?:\s*,?\s*(?:and\s+)?{part}(?-u:\b))*(?:\s+and\s+a\s+half)?)"
    ))
    .unwrap()
});
static PART_RE: LazyLock<Regex> =
    LazyLock::new(|| super::re(&format!(r"(?i)({})[\s-]*({})", num(), unit())).unwrap());

/// Context right before an amount that makes it a statement of the outage's length.
static LEAD_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(
        r"(?i)(?:(?:duration|downtime|time\s+down)(?:\s*\([a-z]+\))?\s*\**\s*[:=-]\s*\**\s*(?:the\s+outage\s+lasted\s+(?:for\s+)?)?|(?-u:\b)last(?:ed|ing|s)?\s+(?:for\s+)?|(?-u:\b)persisted\s+(?:for\s+)?|(?-u:\b)down\s+for\s+|(?-u:\b)outage\s+(?:of|for)\s+|(?-u:\b)downtime\s+of\s+|(?-u:\b)for\s+(?:a\s+(?:total|period)\s+of\s+)?|(?-u:\b)total\s+of\s+|(?-u:\b)period\s+of\s+|(?-u:\b)unavailable\s+for\s+|(?-u:\b)unusable\s+for\s+|(?-u:\b)after\s+being\s+down\s+for\s+|(?-u:\b)spanning\s+|(?-u:\b)took\s+|\(\s*)(?:a\s+(?:harrowing|whopping|total\s+of|full|solid)\s+)?(?:(?:approximately|approx\.?|about|around|roughly|nearly|almost|~|just\s+under|just\s+over|an?\s+estimated|exactly|precisely)\s*)?$",
    )
    .unwrap()
});
/// Context right after an amount that makes it the outage's length (`2-hour outage`).
static TRAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^\s*(?:of\s+(?:total\s+|complete\s+|pure\s+)?)?(?:outage|downtime|disruption|interruption|of\s+chaos)(?-u:\b)").unwrap()
});
static VAGUE_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?:(?-u:\b)(?:under|less\s+than|more\s+than|over|up\s+to|within|every|each|per|after|before|in|few|several|next|last|first|\d+\s*(?:-|–|to))\s*$)").unwrap()
});
static APPROX_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?:approximately|approx\.?|about|around|roughly|nearly|almost|~|just\s+under|just\s+over|estimated)\s*$").unwrap()
});
static MINUTES_LABEL_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)duration\s*\(\s*(minutes|mins?|hours|hrs?)\s*\)\s*[*_]*\s*[:=]\s*[*_]*\s*(\d+(?:\.\d+)?)(?-u:\b)").unwrap()
});
static SHORT_UNIT_RE: LazyLock<Regex> =
    LazyLock::new(|| super::re(r"(?i)^\d+(?:\.\d+)?\s*[hms]$").unwrap());

/// Words that make a plain `for N minutes` about the outage.
const OUTAGE_WORDS: &[&str] = &[
    "outage",
    "down",
    "unavailable",
    "offline",
    "inaccessible",
    "disrupt",
    "duration",
    "interrupt",
    "not operational",
    "halt",
    "broken",
    "incident",
    "unusable",
];

/// A duration stated in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stated {
    pub minutes: u32,
    pub line: u32,
    pub approx: bool,
    /// Said with a Duration label or a lasting verb (`lasted`, `down for`, `2-hour outage`);
    /// weak statements (`for 2 hours`, `took`) only count when nothing better is known.
    pub strong: bool,
}

/// The statements of the outage's length, in document order.
pub fn stated(lines: &[Line]) -> Vec<Stated> {
    let mut out = Vec::new();
    for line in lines.iter().filter(|l| !l.code) {
        let text = line.text;
        // The label is the word `duration` and a `(`: most lines with a `(` have not.
        let label = (line.hints.any(Hints::PAREN) && duration_then_paren(text))
            .then(|| MINUTES_LABEL_RE.captures(text))
            .flatten();
        if let Some(c) = label {
            let n: f64 = c[2].parse().unwrap_or(0.0);
            let per = if c[1].to_ascii_lowercase().starts_with('h') {
                60.0
            } else {
                1.0
            };
            if n > 0.0 {
                out.push(Stated {
                    minutes: (n * per).floor() as u32,
                    line: line.no,
                    approx: false,
                    strong: true,
                });
            }
            continue;
        }
        // Every amount has a unit after a digit or starting a word; most lines have neither.
        if !line.hints.has(Hints::AMOUNT) {
            continue;
        }
        let mut amounts = AMOUNT_RE.find_iter(text).peekable();
        if amounts.peek().is_none() {
            continue;
        }
        // Facts about the whole line, computed once and only when an amount needs them.
        let line_low = LazyCell::new(|| text.to_ascii_lowercase());
        let slo_line = LazyCell::new(|| {
            ["slo", "error budget", "sla "]
                .iter()
                .any(|w| line_low.contains(w))
        });
        let outage_line = LazyCell::new(|| OUTAGE_WORDS.iter().any(|w| line_low.contains(w)));
        let start_phrase = LazyCell::new(|| {
            line_low.contains("start of the") || line_low.contains("outage lasted")
        });
        for m in amounts {
            let before = super::window::tail(&text[..m.start()], 120);
            let after = super::window::head(&text[m.end()..], 120);
            // `2h`-style amounts only count with a Duration label; `m`/`s` alone are too loose.
            let lead = LEAD_RE.find(before);
            let trail = TRAIL_RE.is_match(after);
            if lead.is_none() && !trail {
                continue;
            }
            if SHORT_UNIT_RE.is_match(m.as_str())
                && !lead.is_some_and(|l| l.as_str().to_ascii_lowercase().contains("duration"))
                && !trail
            {
                continue;
            }
            let head = &before[..lead.map_or(before.len(), |l| l.start())];
            let lead_text = lead.map_or("", |l| l.as_str());
            if VAGUE_BEFORE_RE.is_match(head.trim_end())
                && !lead.is_some_and(|l| !l.as_str().trim().is_empty())
            {
                continue;
            }
            if lead_text
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("for")
                && VAGUE_BEFORE_RE.is_match(head.trim_end())
            {
                continue;
            }
            // "10-15 minutes": a range is not a statement.
            if before.trim_end().ends_with(['-', '–'])
                && before
                    .trim_end()
                    .trim_end_matches(['-', '–'])
                    .ends_with(|c: char| c.is_ascii_digit())
            {
                continue;
            }
            let low = lead_text.to_ascii_lowercase();
            // SLO and error-budget arithmetic is not the outage's length.
            if *slo_line {
                continue;
            }
            if low.contains("took") && !*start_phrase {
                continue;
            }
            // `(2 hours)` counts right after a time range only.
            if low.trim() == "(" && !trail {
                let close = after.trim_start().starts_with(')');
                let near_time = when::times(before)
                    .last()
                    .is_some_and(|t| before[t.end..].trim_end().trim_end_matches('(').len() <= 14);
                if !(close && near_time) {
                    continue;
                }
            }
            let weak_lead = low.trim_start().starts_with("for")
                || low.contains("took")
                || low.contains("unavailable")
                || low.contains("unusable")
                || low.contains("period");
            if low.trim_start().starts_with("for") {
                // "for" alone needs an outage word nearby, and not a threshold (`5% for 5 minutes`).
                if !*outage_line {
                    continue;
                }
                let head = before[..lead.map_or(before.len(), |l| l.start())].trim_end();
                if head.ends_with(|c: char| c == '%' || c.is_ascii_digit()) {
                    continue;
                }
            }
            let strong = trail || !weak_lead;
            let Some(minutes) = parse_amount(m.as_str()) else {
                continue;
            };
            if minutes == 0 {
                continue;
            }
            out.push(Stated {
                minutes,
                line: line.no,
                approx: APPROX_RE.is_match(lead_text.trim_end())
                    || APPROX_RE.is_match(before.trim_end()),
                strong,
            });
        }
    }
    out
}

/// False when [`MINUTES_LABEL_RE`] cannot match `text`: it opens with `duration` (any case),
/// white space perhaps, and `(`.
fn duration_then_paren(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr2_iter(b'd', b'D', b).any(|i| {
        b.get(i..i + 8)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"duration"))
            && b.get(when::run_end(b, i + 8, when::is_space)) == Some(&b'(')
    })
}

/// `2 hours 30 minutes`, `an hour and a half`, `1.5h` → whole minutes (seconds dropped).
pub fn parse_amount(s: &str) -> Option<u32> {
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("half an hour") {
        return Some(30);
    }
    let mut total = 0.0f64;
    let mut last_unit = 0.0;
    for (whole, num, unit) in parts(&lower) {
        if lower[whole.end..].starts_with(|ch: char| ch.is_ascii_alphabetic()) {
            continue;
        }
        let n = number(num)?;
        let per = if unit.starts_with('d') {
            1440.0
        } else if unit.starts_with('h') {
            60.0
        } else if unit.starts_with('s') {
            1.0 / 60.0
        } else {
            1.0
        };
        last_unit = per;
        total += n * per;
    }
    if lower.ends_with("and a half") {
        total += last_unit / 2.0;
    }
    (total > 0.0 && total < 1.0e7).then(|| total.floor() as u32)
}

/// The matches of [`PART_RE`] in `s` with its two groups, the number and the unit, read
/// from each match's text rather than by the regex's capture engine (several times slower
/// than finding the match). A unit is a word and a number never ends with a unit's letters
/// run together with it, so the unit is the longest unit word that ends the match, and the
/// number is what comes before it without the spaces and dashes between them.
fn parts(s: &str) -> impl Iterator<Item = (std::ops::Range<usize>, &str, &str)> {
    PART_RE.find_iter(s).map(move |m| {
        let t = m.as_str();
        let unit = UNIT_WORDS
            .iter()
            .filter(|u| t.len() > u.len() && super::ends_with_ci(t, u))
            .map(|u| u.len())
            .max()
            .unwrap_or(0);
        let (num, unit) = t.split_at(t.len() - unit);
        let num = num.trim_end_matches(|c: char| c.is_whitespace() || c == '-');
        (m.range(), num, unit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::lines;

    proptest::proptest! {
        /// The cheap test before the minutes-label regex never refuses what it matches.
        #[test]
        fn duration_then_paren_holds_wherever_the_label_is(
            t in "(x|é|Outage )?(Duration|DURATION|duration|durations|Durat)[ \t\x0b]{0,2}(\\(|x|:)[ ]?(minutes|MINS|hours|hr|x)[ ]?(\\))?[*_]{0,2}[ ]?[:=]?[ ]?(55|1.5|x)"
        ) {
            proptest::prop_assert!(duration_then_paren(&t) || !MINUTES_LABEL_RE.is_match(&t), "{:?}", t);
        }
    }

    proptest::proptest! {
        /// The groups read from each match's text are the ones the regex captures.
        #[test]
        fn parts_are_the_regex_groups(
            s in "((an|a|one|two|twenty|twenty five|ninety-nine|ten|1|12|1.5|0.25|x|as|am|and|half|é)[ \t\x0b-]{0,2}(days|day|hours|hour|hrs|hr|h|minutes|minute|mins|min|m|seconds|second|secs|sec|s|x|a|é)[ ,.]{0,2}){0,4}"
        ) {
            let lower = s.to_ascii_lowercase();
            let ours: Vec<_> = parts(&lower).map(|(r, n, u)| (r, n.to_string(), u.to_string())).collect();
            let want: Vec<_> = PART_RE
                .captures_iter(&lower)
                .map(|c| (c.get(0).unwrap().range(), c[1].to_string(), c[2].to_string()))
                .collect();
            proptest::prop_assert_eq!(ours, want);
        }
    }

    fn one(text: &str) -> Option<(u32, bool)> {
        stated(&lines(text, 1))
            .first()
            .map(|s| (s.minutes, s.approx))
    }

    #[test]
    fn accepted_forms() {
        let cases: &[(&str, u32, bool)] = &[
            ("Duration: 2 hours", 120, false),
            ("**Duration (minutes):** 55", 55, false),
            ("- **Duration**: 45 minutes", 45, false),
            ("The queue outage lasted 45 minutes.", 45, false),
            ("The API was down for 75 minutes.", 75, false),
            ("Duration: 2h30m", 150, false),
            ("The outage lasted 1.5 hours.", 90, false),
            ("It was a 2.5-hour outage for the billing team.", 150, false),
            ("The outage lasted an hour and a half.", 90, false),
            ("an outage lasting 1 hour and 48 minutes", 108, false),
            ("**Duration:** 3 hours 47 minutes", 227, false),
            ("Duration: 42 minutes 17 seconds", 42, false),
            ("The outage lasted approximately three hours.", 180, true),
            ("- Duration: ~12 minutes", 12, true),
            ("the site was down for just under 7 hours", 420, true),
            ("May 2, 14:00 - 16:00 UTC (2 hours)", 120, false),
            ("Total Incident Duration: 22 minutes", 22, false),
            (
                "Duration: A harrowing 120 minutes, from 10 to 12",
                120,
                false,
            ),
            ("a 30min outage during the upgrade", 30, false),
            (
                "The outage persisted for three hours, commencing at 10",
                180,
                false,
            ),
            ("7 hours of downtime", 420, false),
        ];
        for (text, want, approx) in cases {
            assert_eq!(one(text), Some((*want, *approx)), "{text}");
        }
    }

    #[test]
    fn vague_or_unrelated_amounts() {
        for text in [
            "We fixed it within a few hours.",
            "DNS failed for an estimated time of 10-15 minutes.",
            "Damage was limited to under 3hrs from detection.",
            "The cache TTL is 5 minutes.",
            "Alerts fire every 5 minutes.",
            "After 6 hours we gave up.",
            "The fix took 30 minutes to find.",
            // `as`, `am`: a number word glued to a one-letter unit is a word.
            "It lasted as long as the deploy, from 10 am.",
        ] {
            assert_eq!(one(text), None, "{text}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, ..Default::default() })]

        /// The line's `AMOUNT` hint is set wherever the amount regex matches: the hint only
        /// skips lines the regex would find nothing on. (The regex also reads a one-letter
        /// unit after a number word, `a h`, which the hint rightly does not.)
        #[test]
        fn the_amount_hint_holds_wherever_an_amount_is_written(
            text in "((an?|one|two|twenty|five|half|[0-9]{1,3}|1\\.5|[0-9]{1,2}(h|m|s|min|hours|d|days)|x|é|of|min|minor|secure|second|seconds|days?|h|m|s|hours?|hrs|and)[ \\t-]{0,2}){0,8}"
        ) {
            let h = crate::extract::hints::of(&text);
            let one_letter_after_a_word = super::super::re(r"(?i)^(?:\d+(?:\.\d+)?[\s-]+)?[a-z]+(?:[\s-][a-z]+)?[\s-]*[hms]\b").unwrap();
            if AMOUNT_RE.find_iter(&text).any(|m| !one_letter_after_a_word.is_match(m.as_str())) {
                proptest::prop_assert!(h.has(Hints::AMOUNT), "{:?}", text);
            }
        }
    }
}
