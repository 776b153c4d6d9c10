//! Last checks on extracted facts: values no outage can have are dropped with a warning
//! rather than poisoning the statistics.
//!
//! | fact                              | outcome                                        |
//! |-----------------------------------|------------------------------------------------|
//! | duration longer than 60 days      | dropped, warning ("a year" is a typo, not an outage) |
//! | end date before the start date    | end date and derived duration dropped, warning |

use crate::diagnostic::Diagnostic;
use crate::model::IncidentMeta;

/// Longest outage inquest accepts as real, in minutes.
pub const MAX_MINUTES: u32 = 60 * 24 * 60;

pub fn check(meta: &mut IncidentMeta, shown: &str, diags: &mut Vec<Diagnostic>) {
    if let Some(d) = meta
        .duration
        .as_ref()
        .filter(|d| d.value.get() > MAX_MINUTES)
    {
        diags.push(
            Diagnostic::warning(
                shown,
                d.source.line().unwrap_or(0),
                format!(
                    "a duration of {} is longer than 60 days; left out of the statistics",
                    d.value.human()
                ),
            )
            .with_hint("check the start and end dates, or give `duration` in front matter"),
        );
        meta.duration = None;
    }
    let backwards = match (&meta.date, &meta.end_date) {
        (Some(start), Some(end)) => end.value < start.value,
        _ => false,
    };
    if backwards {
        let line = meta
            .end_date
            .as_ref()
            .and_then(|e| e.source.line())
            .unwrap_or(0);
        diags.push(
            Diagnostic::warning(
                shown,
                line,
                "the outage ends before it starts; the end was left out",
            )
            .with_hint("check the dates of the start and the end"),
        );
        meta.end_date = None;
        if meta
            .duration
            .as_ref()
            .is_some_and(|d| d.source.kind() == "derived")
        {
            meta.duration = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Found, Minutes, Source};

    #[test]
    fn absurd_durations_are_dropped_with_a_warning() {
        let mut meta = IncidentMeta {
            duration: Some(Found::new(
                Minutes::new(525_600),
                Source::FrontMatter {
                    line: 4,
                    key: "duration".into(),
                },
            )),
            ..Default::default()
        };
        let mut diags = Vec::new();
        check(&mut meta, "a.md", &mut diags);
        assert!(meta.duration.is_none());
        assert_eq!(diags[0].line, 4);
        let mut ok = IncidentMeta {
            duration: Some(Found::new(Minutes::new(3 * 24 * 60), Source::derived("x"))),
            ..Default::default()
        };
        check(&mut ok, "a.md", &mut diags);
        assert!(ok.duration.is_some());
    }

    #[test]
    fn an_end_before_the_start_is_dropped() {
        let d = |y, m, day| jiff::civil::date(y, m, day);
        let mut meta = IncidentMeta {
            date: Some(Found::new(d(2024, 3, 2), Source::derived("x"))),
            end_date: Some(Found::new(
                d(2024, 3, 1),
                Source::Prose { line: 7, rule: "r" },
            )),
            duration: Some(Found::new(Minutes::new(10), Source::derived("window"))),
            ..Default::default()
        };
        let mut diags = Vec::new();
        check(&mut meta, "a.md", &mut diags);
        assert!(meta.end_date.is_none() && meta.duration.is_none());
        assert_eq!(diags[0].line, 7);
    }
}
