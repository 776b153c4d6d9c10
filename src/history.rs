//! The status history: incidents per day (for the calendar strip and the 12-month calendar)
//! and per month (for `/history/`). Pure; the reference day is given, never read from the
//! clock here.

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime};
use serde::Serialize;

use crate::config::ShadeBy;
use crate::model::Incident;
use crate::views::severity_class;

/// A postmortem mentioned on a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayRef {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Day {
    /// `2024-03-01`.
    pub date: String,
    /// `Fri 1 Mar 2024`.
    pub label: String,
    /// 0 (no incident) to 4 (worst), by the configured shading.
    pub level: u8,
    pub count: usize,
    pub downtime_minutes: u32,
    /// Worst severity class of the day (`sev1`…), when any incident had one.
    pub worst: Option<String>,
    pub postmortems: Vec<DayRef>,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    /// `Fri 1 Mar 2024: 2 incidents, 3 h 10 min downtime` (for titles and screen readers).
    pub summary: String,
    /// Anchor on `/history/`: the day's entry when an incident started that day, else its month.
    pub anchor: String,
}

/// What happened on each day: `(incident index, downtime minutes that fell on the day)`.
fn day_map(incidents: &[std::sync::Arc<Incident>]) -> BTreeMap<Date, Vec<(usize, u32)>> {
    let mut map: BTreeMap<Date, Vec<(usize, u32)>> = BTreeMap::new();
    for (i, inc) in incidents.iter().enumerate() {
        let Some(date) = inc.meta.date.as_ref().map(|d| d.value) else {
            continue;
        };
        let start = inc
            .meta
            .start_time
            .as_ref()
            .map(|t| date.to_datetime(t.value));
        let end = start.and_then(|s| {
            let minutes = inc.meta.duration.as_ref()?.value.get();
            s.checked_add(jiff::Span::new().minutes(i64::from(minutes)))
                .ok()
        });
        match (start, end) {
            // Split the downtime over the local days it covers.
            (Some(s), Some(e)) if e.date() > s.date() => {
                let mut day = s.date();
                while day <= e.date() {
                    let from = if day == s.date() {
                        s
                    } else {
                        day.to_datetime(jiff::civil::Time::midnight())
                    };
                    let to = if day == e.date() {
                        e
                    } else {
                        day.tomorrow()
                            .map_or(e, |t| t.to_datetime(jiff::civil::Time::midnight()))
                    };
                    let mins = minutes(from, to);
                    if mins > 0 || day == s.date() {
                        map.entry(day).or_default().push((i, mins));
                    }
                    match day.tomorrow() {
                        Ok(t) => day = t,
                        Err(_) => break,
                    }
                }
            }
            _ => map
                .entry(date)
                .or_default()
                .push((i, inc.meta.duration.as_ref().map_or(0, |d| d.value.get()))),
        }
    }
    map
}

fn minutes(a: DateTime, b: DateTime) -> u32 {
    a.until(b)
        .ok()
        .and_then(|s| s.total(jiff::Unit::Minute).ok())
        .map_or(0, |m| m.max(0.0) as u32)
}

fn level(
    shade: ShadeBy,
    count: usize,
    downtime: u32,
    worst: Option<&str>,
    known_downtime: bool,
) -> u8 {
    if count == 0 {
        return 0;
    }
    match shade {
        ShadeBy::Downtime if known_downtime => match downtime {
            0..30 => 1,
            30..120 => 2,
            120..480 => 3,
            _ => 4,
        },
        ShadeBy::Downtime => 1,
        ShadeBy::Severity => match worst {
            Some("sev1") => 4,
            Some("sev2") => 3,
            Some("sev3") => 2,
            _ => 1,
        },
    }
}

/// `n` days ending with `end`, oldest first.
pub fn days(
    incidents: &[std::sync::Arc<Incident>],
    end: Date,
    n: usize,
    shade: ShadeBy,
) -> Vec<Day> {
    let map = day_map(incidents);
    let mut out = Vec::with_capacity(n);
    let mut day = end;
    for _ in 0..n {
        out.push(day_entry(incidents, &map, day, shade));
        match day.yesterday() {
            Ok(d) => day = d,
            Err(_) => break,
        }
    }
    out.reverse();
    out
}

fn day_entry(
    incidents: &[std::sync::Arc<Incident>],
    map: &BTreeMap<Date, Vec<(usize, u32)>>,
    day: Date,
    shade: ShadeBy,
) -> Day {
    let hits = map.get(&day).map(Vec::as_slice).unwrap_or(&[]);
    let downtime: u32 = hits.iter().map(|(_, m)| m).sum();
    let known = hits
        .iter()
        .any(|(i, _)| incidents[*i].meta.duration.is_some());
    let worst = hits
        .iter()
        .map(|(i, _)| {
            severity_class(
                incidents[*i]
                    .meta
                    .severity
                    .as_ref()
                    .map(|s| s.value.as_str()),
            )
        })
        .filter(|c| c != "sev-unknown")
        .min();
    let label = day.strftime("%a %-d %b %Y").to_string();
    let summary = match (hits.len(), downtime) {
        (0, _) => format!("{label}: no incidents"),
        (n, 0) => format!("{label}: {n} incident{}", if n == 1 { "" } else { "s" }),
        (n, m) => format!(
            "{label}: {n} incident{}, {} downtime",
            if n == 1 { "" } else { "s" },
            crate::model::Minutes::new(m).human()
        ),
    };
    let started_here = hits.iter().any(|(i, _)| {
        incidents[*i]
            .meta
            .date
            .as_ref()
            .is_some_and(|d| d.value == day)
    });
    let anchor = if started_here {
        format!("day-{day}")
    } else {
        format!("m-{:04}-{:02}", day.year(), day.month())
    };
    Day {
        date: day.to_string(),
        summary,
        anchor,
        label,
        level: level(shade, hits.len(), downtime, worst.as_deref(), known),
        count: hits.len(),
        downtime_minutes: downtime,
        worst,
        postmortems: hits
            .iter()
            .map(|(i, _)| DayRef {
                title: incidents[*i].meta.title().to_string(),
                url: format!("postmortems/{}/", incidents[*i].slug),
            })
            .collect(),
        weekday: day.weekday().to_monday_zero_offset() as u8,
    }
}

/// A month of the 12-month calendar: its days, padded to start on Monday.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalendarMonth {
    pub key: String,
    pub label: String,
    /// Empty cells before the first day (0–6).
    pub lead: u8,
    pub days: Vec<Day>,
    pub count: usize,
}

/// The 12 months ending with the month of `end`, oldest first.
pub fn calendar(
    incidents: &[std::sync::Arc<Incident>],
    end: Date,
    shade: ShadeBy,
) -> Vec<CalendarMonth> {
    let map = day_map(incidents);
    let mut months = Vec::with_capacity(12);
    let (mut y, mut m) = (end.year(), end.month());
    for _ in 0..12 {
        let first = jiff::civil::date(y, m, 1);
        let days: Vec<Day> = (1..=first.days_in_month())
            .map(|d| day_entry(incidents, &map, jiff::civil::date(y, m, d), shade))
            .collect();
        months.push(CalendarMonth {
            key: format!("{y:04}-{m:02}"),
            label: first.strftime("%B %Y").to_string(),
            lead: first.weekday().to_monday_zero_offset() as u8,
            count: days.iter().filter(|d| d.count > 0).count(),
            days,
        });
        (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    }
    months.reverse();
    months
}

/// A month of `/history/`: the incidents that started in it (indices, newest first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthIncidents {
    pub key: String,
    pub label: String,
    pub members: Vec<usize>,
}

/// Every month from `end` back to the oldest dated incident, newest first, empty months
/// included. `incidents` are in archive order (newest first).
pub fn months(incidents: &[std::sync::Arc<Incident>], end: Date) -> Vec<MonthIncidents> {
    let Some(oldest) = incidents
        .iter()
        .filter_map(|i| i.meta.date.as_ref().map(|d| d.value))
        .min()
    else {
        return Vec::new();
    };
    let mut by_key: BTreeMap<(i16, i8), Vec<usize>> = BTreeMap::new();
    for (i, inc) in incidents.iter().enumerate() {
        if let Some(d) = &inc.meta.date {
            by_key
                .entry((d.value.year(), d.value.month()))
                .or_default()
                .push(i);
        }
    }
    let mut out = Vec::new();
    let (mut y, mut m) = (end.year(), end.month());
    let stop = (oldest.year(), oldest.month()).min((y, m));
    loop {
        out.push(MonthIncidents {
            key: format!("{y:04}-{m:02}"),
            label: jiff::civil::date(y, m, 1).strftime("%B %Y").to_string(),
            members: by_key.remove(&(y, m)).unwrap_or_default(),
        });
        if (y, m) <= stop {
            break;
        }
        (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downtime_levels() {
        assert_eq!(level(ShadeBy::Downtime, 0, 0, None, false), 0);
        assert_eq!(level(ShadeBy::Downtime, 1, 10, None, true), 1);
        assert_eq!(level(ShadeBy::Downtime, 1, 90, None, true), 2);
        assert_eq!(level(ShadeBy::Downtime, 2, 300, None, true), 3);
        assert_eq!(level(ShadeBy::Downtime, 1, 600, None, true), 4);
        assert_eq!(
            level(ShadeBy::Downtime, 1, 0, None, false),
            1,
            "unknown duration still marks the day"
        );
        assert_eq!(level(ShadeBy::Severity, 1, 0, Some("sev1"), false), 4);
        assert_eq!(level(ShadeBy::Severity, 1, 0, None, false), 1);
    }

    #[test]
    fn minutes_between_local_times() {
        let a = jiff::civil::date(2024, 7, 11).at(23, 40, 0, 0);
        let b = jiff::civil::date(2024, 7, 12).at(1, 15, 0, 0);
        assert_eq!(minutes(a, b), 95);
        assert_eq!(minutes(b, a), 0);
    }
}
