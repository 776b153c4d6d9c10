//! Doubts: where a postmortem contradicts itself about its window, the facts in question
//! are left out (with a warning) rather than guessed. A wrong duration skews every
//! statistic built on it; an unknown one is only missing.
//!
//! | the document says                                                        | left out                         |
//! |--------------------------------------------------------------------------|----------------------------------|
//! | a timeline that opens with a recovery (`08:45 UTC - … has now been restored`) | the start read off the timeline: the outage began before it (`window::from_timeline`) |
//! | dated timeline entries out of order (`2021-11-18 23:47` then `2021-11-18 00:58`) | the duration read off the timeline's dates |
//! | `lasted approximately nine hours`, but its window runs 10:00 to 21:24     | the duration: an approximate figure must agree with the window within its precision |
//! | the timeline marks `Incident Start` 08:16 and `Incident Resolved` 08:45, the text says 08:15 to 09:00 | the end and the duration |
//!
//! An exact figure that disagrees with the times (`lasted 37 minutes`, 10:00 to 10:22) is
//! kept: postmortems often time the outage from an earlier cause than their first entry.

use std::sync::LazyLock;

use jiff::civil::DateTime;
use regex::Regex;

use super::timeline::Entry;
use super::when::DateVal;

/// True when two dated timeline entries are in the wrong order: the dates cannot be
/// trusted to measure the window.
pub fn out_of_order(entries: &[Entry]) -> bool {
    let mut last: Option<DateTime> = None;
    for e in entries {
        let (Some(DateVal::Known(d)), Some(t)) = (e.date, e.time) else {
            continue;
        };
        let at = d.to_datetime(t);
        if last.is_some_and(|l| at < l) {
            return true;
        }
        last = Some(at);
    }
    false
}

/// How far an approximate duration may be from the window it describes: an hour for a
/// figure in whole hours (`about three hours` is said of 2 to 4 hours), else a fifth of it
/// and at least 10 minutes.
pub fn approximate_tolerance(minutes: u32) -> u32 {
    if minutes >= 60 && minutes % 60 == 0 {
        60.max(minutes / 5)
    } else {
        (minutes / 5).max(10)
    }
}

/// True when an approximate duration and the window it describes disagree beyond its
/// precision (`approximately nine hours` for 10:00 to 21:24).
pub fn approximate_disagrees(minutes: u32, window: i64) -> bool {
    (minutes as i64 - window).abs() > approximate_tolerance(minutes) as i64
}

/// A timeline entry that marks the start of the incident (`Incident start`, `Start of
/// incident`, `Outage begins`).
static START_MARK_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^(?:(?:incident|outage)\s+(?:start(?:s|ed)?|begins?)|start\s+of\s+(?:the\s+)?(?:incident|outage))(?-u:\b)").unwrap()
});
/// A timeline entry that marks its resolution (`Incident resolved`, `End of outage`).
static END_MARK_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^(?:(?:incident|outage)\s+(?:resolved|ended|ends?|over)|end\s+of\s+(?:the\s+)?(?:incident|outage))(?-u:\b)").unwrap()
});

/// The entries that mark the incident's start and its resolution, when the timeline marks
/// both, in that order.
pub fn marked_window(entries: &[Entry]) -> Option<(usize, usize)> {
    // Every mark starts with `incident` or `outage`, or `start` (`end`) for a start (an end).
    let starts = |t: &str, w: &str| {
        t.as_bytes()
            .get(..w.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(w.as_bytes()))
    };
    let mark = |re: &Regex, word: &str| {
        entries.iter().position(|e| {
            let t = e.text.trim_start();
            e.time.is_some()
                && (starts(t, "incident") || starts(t, "outage") || starts(t, word))
                && re.is_match(t)
        })
    };
    let (a, b) = (mark(&START_MARK_RE, "start")?, mark(&END_MARK_RE, "end")?);
    (entries[a].time < entries[b].time).then_some((a, b))
}

/// True when two ends of the same window (minutes since midnight) disagree by more than
/// five minutes and a tenth of the window.
pub fn ends_disagree(stated_end: i64, marked_end: i64, window: i64) -> bool {
    let gap = (stated_end - marked_end).rem_euclid(1440);
    let gap = gap.min(1440 - gap);
    gap > 5.max(window / 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{lines, timeline};

    fn entries(text: &str) -> Vec<Entry> {
        timeline::find(&lines(text, 1))
    }

    #[test]
    fn dated_entries_out_of_order() {
        assert!(out_of_order(&entries(
            "- `2021-10-28 08:26` droplet created\n- `2021-11-18 23:47` replacement created\n- `2021-11-18 00:58` droplet deleted\n"
        )));
        assert!(!out_of_order(&entries(
            "- 2021-11-18 23:47 replacement created\n- 2021-11-19 00:58 droplet deleted\n"
        )));
        // Times alone may wrap past midnight; only dates can be out of order.
        assert!(!out_of_order(&entries("- 23:47 paged\n- 00:58 fixed\n")));
    }

    #[test]
    fn approximate_figures_agree_within_their_precision() {
        let cases: &[(u32, i64, bool)] = &[
            (540, 684, true),  // approximately nine hours, 10:00 to 21:24
            (180, 240, false), // approximately three hours, 12:00 to 16:00
            (180, 210, false),
            (30, 45, true),  // about half an hour, but 45 minutes
            (30, 40, false), // about half an hour, 40 minutes
            (45, 60, true),  // around 45 minutes, but an hour
            (45, 52, false),
            (1680, 1680, false), // approximately 28 hours
            (1680, 1950, false), // a fifth of a long figure
            (90, 120, true),     // about an hour and a half, but two hours
        ];
        for &(minutes, window, disagree) in cases {
            assert_eq!(
                approximate_disagrees(minutes, window),
                disagree,
                "{minutes} vs {window}"
            );
        }
    }

    #[test]
    fn marked_windows() {
        let e = entries(
            "**08:16 - Incident Start**:\nx\n\n- 08:30 failover\n\n**08:45 - Incident Resolved**:\ny\n",
        );
        let (a, b) = marked_window(&e).unwrap();
        assert_eq!((e[a].line, e[b].line), (1, 6));
        let e = entries("- 10:00 Start of the outage: logins fail\n- 11:00 Outage ended\n");
        assert!(marked_window(&e).is_some());
        // Only one mark, or events that merely mention the incident: no marked window.
        for text in [
            "- 10:00 Incident start\n- 11:00 fix deployed\n",
            "- 10:00 Alert fired\n- 11:00 Incident resolved\n",
            "- 10:00 We declared the incident started\n- 11:00 the incident resolved itself\n",
        ] {
            assert!(marked_window(&entries(text)).is_none(), "{text}");
        }
    }

    #[test]
    fn ends_of_a_window() {
        assert!(ends_disagree(9 * 60, 8 * 60 + 45, 45));
        assert!(!ends_disagree(9 * 60, 9 * 60 + 4, 45));
        assert!(!ends_disagree(5, 1440 - 2, 100), "across midnight");
        assert!(ends_disagree(15, 1440 - 10, 100), "across midnight");
        assert!(
            !ends_disagree(12 * 60, 12 * 60 + 30, 600),
            "a tenth of a long window"
        );
    }
}
