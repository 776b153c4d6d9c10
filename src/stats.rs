//! Duration statistics over incidents. Pure. Percentiles use the nearest-rank definition
//! (the smallest value with at least p% of the sample at or below it), so every figure shown
//! is a real incident's duration; means are offered only labelled as such.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::model::{Incident, Minutes};

/// Summary of a sample of durations. Every figure carries the sample size it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DurationSummary {
    /// Incidents with a known duration.
    pub n: usize,
    pub total_minutes: u64,
    pub median: Option<u32>,
    pub p75: Option<u32>,
    pub p90: Option<u32>,
    pub p95: Option<u32>,
    pub max: Option<u32>,
    /// Arithmetic mean; misleading on long-tailed durations, so never the headline.
    pub mean: Option<f64>,
    /// Fewer than 10 durations: too few to compare periods.
    pub small_sample: bool,
}

/// Nearest-rank percentile of a sorted slice; `None` when empty.
pub fn percentile(sorted: &[u32], p: f64) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

pub fn summarise(durations: impl IntoIterator<Item = Minutes>) -> DurationSummary {
    let mut v: Vec<u32> = durations.into_iter().map(Minutes::get).collect();
    v.sort_unstable();
    let total: u64 = v.iter().map(|&m| u64::from(m)).sum();
    DurationSummary {
        n: v.len(),
        total_minutes: total,
        median: percentile(&v, 50.0),
        p75: percentile(&v, 75.0),
        p90: percentile(&v, 90.0),
        p95: percentile(&v, 95.0),
        max: v.last().copied(),
        mean: (!v.is_empty()).then(|| total as f64 / v.len() as f64),
        small_sample: v.len() < 10,
    }
}

/// Log-scaled duration buckets: `(label, upper bound in minutes, exclusive)`.
pub const BUCKETS: [(&str, u32); 8] = [
    ("< 15 min", 15),
    ("15–30 min", 30),
    ("30 min – 1 h", 60),
    ("1–2 h", 120),
    ("2–4 h", 240),
    ("4–8 h", 480),
    ("8–24 h", 1440),
    ("> 1 day", u32::MAX),
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    pub label: &'static str,
    pub count: usize,
    /// Share of the incidents with a known duration, 0–1.
    pub share: f64,
}

/// Counts durations per bucket; a duration equal to a bound goes to the bucket above it.
pub fn buckets(durations: &[u32]) -> Vec<Bucket> {
    let mut counts = [0usize; 8];
    for &d in durations {
        let i = BUCKETS
            .iter()
            .position(|&(_, upper)| d < upper)
            .unwrap_or(7);
        counts[i] += 1;
    }
    let n = durations.len().max(1) as f64;
    BUCKETS
        .iter()
        .zip(counts)
        .map(|(&(label, _), count)| Bucket {
            label,
            count,
            share: count as f64 / n,
        })
        .collect()
}

/// One step of the empirical cumulative distribution: `share` of incidents lasted at most
/// `minutes`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EcdfPoint {
    pub minutes: u32,
    pub share: f64,
}

/// The ECDF of a sorted sample, one point per distinct value.
pub fn ecdf(sorted: &[u32]) -> Vec<EcdfPoint> {
    let n = sorted.len() as f64;
    let mut out: Vec<EcdfPoint> = Vec::new();
    for (i, &m) in sorted.iter().enumerate() {
        let share = (i + 1) as f64 / n;
        match out.last_mut() {
            Some(p) if p.minutes == m => p.share = share,
            _ => out.push(EcdfPoint { minutes: m, share }),
        }
    }
    out
}

/// Incidents and downtime in one month or year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    /// `2024-03` or `2024`.
    pub key: String,
    /// `Mar 2024` or `2024`.
    pub label: String,
    pub count: usize,
    /// Incidents of the period whose duration is known.
    pub with_duration: usize,
    pub downtime_minutes: u64,
}

/// Every month from the first to the last dated incident, months without incidents included.
pub fn by_month(items: &[(Date, Option<Minutes>)]) -> Vec<Period> {
    let key = |d: &Date| (d.year(), d.month());
    let Some(first) = items.iter().map(|(d, _)| key(d)).min() else {
        return Vec::new();
    };
    let last = items.iter().map(|(d, _)| key(d)).max().unwrap_or(first);
    let mut map: BTreeMap<(i16, i8), Period> = BTreeMap::new();
    let (mut y, mut m) = first;
    loop {
        let label = jiff::civil::date(y, m, 1).strftime("%b %Y").to_string();
        map.insert((y, m), period(format!("{y:04}-{m:02}"), label));
        if (y, m) == last {
            break;
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    fill(items, &mut map, |d| key(d));
    map.into_values().collect()
}

/// Every year from the first to the last dated incident.
pub fn by_year(items: &[(Date, Option<Minutes>)]) -> Vec<Period> {
    let Some(first) = items.iter().map(|(d, _)| d.year()).min() else {
        return Vec::new();
    };
    let last = items.iter().map(|(d, _)| d.year()).max().unwrap_or(first);
    let mut map: BTreeMap<i16, Period> = (first..=last)
        .map(|y| (y, period(y.to_string(), y.to_string())))
        .collect();
    fill(items, &mut map, |d| d.year());
    map.into_values().collect()
}

fn period(key: String, label: String) -> Period {
    Period {
        key,
        label,
        count: 0,
        with_duration: 0,
        downtime_minutes: 0,
    }
}

fn fill<K: Ord>(
    items: &[(Date, Option<Minutes>)],
    map: &mut BTreeMap<K, Period>,
    key: impl Fn(&Date) -> K,
) {
    for (d, m) in items {
        if let Some(p) = map.get_mut(&key(d)) {
            p.count += 1;
            if let Some(m) = m {
                p.with_duration += 1;
                p.downtime_minutes += u64::from(m.get());
            }
        }
    }
}

/// Figures for one group of incidents (a tag, a service, a severity).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub name: String,
    pub count: usize,
    pub durations: DurationSummary,
    /// Index (into the incidents given) of the longest incident of the group.
    pub longest: Option<usize>,
}

/// Groups incidents by the names `names_of` gives each (an incident may be in several).
/// Sorted by count, then name.
pub fn breakdown<'a>(
    incidents: &'a [std::sync::Arc<Incident>],
    names_of: impl Fn(&'a Incident) -> Vec<String>,
) -> Vec<Group> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, inc) in incidents.iter().enumerate() {
        let mut names = names_of(inc);
        names.sort();
        names.dedup();
        for n in names {
            groups.entry(n).or_default().push(i);
        }
    }
    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|(name, members)| {
            let dur = |i: &usize| incidents[*i].meta.duration.as_ref().map(|d| d.value);
            Group {
                count: members.len(),
                durations: summarise(members.iter().filter_map(dur)),
                longest: members
                    .iter()
                    .filter_map(|i| dur(i).map(|d| (d, *i)))
                    .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
                    .map(|(_, i)| i),
                name,
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out
}

/// Everything the statistics page shows, computed from incidents in archive order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub count: usize,
    pub with_duration: usize,
    pub with_date: usize,
    pub with_detection: usize,
    pub with_impact: usize,
    pub durations: DurationSummary,
    pub buckets: Vec<Bucket>,
    pub ecdf: Vec<EcdfPoint>,
    pub months: Vec<Period>,
    pub years: Vec<Period>,
    /// From the start of the outage to its detection.
    pub time_to_detect: DurationSummary,
    /// From detection to resolution.
    pub time_to_resolve: DurationSummary,
    pub by_tag: Vec<Group>,
    pub by_service: Vec<Group>,
    pub by_severity: Vec<Group>,
    /// Indices of the longest incidents, longest first.
    pub longest: Vec<usize>,
}

/// Minutes from `a` to `b`, when `b` is not before `a`.
fn minutes_between(a: jiff::Timestamp, b: jiff::Timestamp) -> Option<Minutes> {
    Minutes::from_signed((b.as_second() - a.as_second()).div_euclid(60))
}

pub fn report(incidents: &[std::sync::Arc<Incident>]) -> Report {
    let mut sorted: Vec<u32> = incidents
        .iter()
        .filter_map(|i| i.meta.duration.as_ref().map(|d| d.value.get()))
        .collect();
    sorted.sort_unstable();
    let dated: Vec<(Date, Option<Minutes>)> = incidents
        .iter()
        .filter_map(|i| {
            Some((
                i.meta.date.as_ref()?.value,
                i.meta.duration.as_ref().map(|d| d.value),
            ))
        })
        .collect();
    let detect: Vec<(Option<Minutes>, Option<Minutes>)> = incidents
        .iter()
        .filter_map(|i| {
            let detected = i.meta.detected_at.as_ref()?.value;
            let ttd = i
                .window
                .started_at
                .as_ref()
                .and_then(|s| minutes_between(s.timestamp(), detected));
            let ttr = i
                .window
                .resolved_at
                .as_ref()
                .and_then(|r| minutes_between(detected, r.timestamp()));
            Some((ttd, ttr))
        })
        .collect();
    let mut longest: Vec<(u32, usize)> = incidents
        .iter()
        .enumerate()
        .filter_map(|(i, inc)| inc.meta.duration.as_ref().map(|d| (d.value.get(), i)))
        .collect();
    longest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    longest.truncate(10);
    Report {
        count: incidents.len(),
        with_duration: sorted.len(),
        with_date: dated.len(),
        with_detection: detect.iter().filter(|(t, _)| t.is_some()).count(),
        with_impact: incidents
            .iter()
            .filter(|i| i.meta.impact_percent.is_some())
            .count(),
        durations: summarise(sorted.iter().copied().map(Minutes::new)),
        buckets: buckets(&sorted),
        ecdf: ecdf(&sorted),
        months: by_month(&dated),
        years: by_year(&dated),
        time_to_detect: summarise(detect.iter().filter_map(|(t, _)| *t)),
        time_to_resolve: summarise(detect.iter().filter_map(|(_, t)| *t)),
        by_tag: breakdown(incidents, |i| {
            i.meta.tags.iter().map(|t| t.value.clone()).collect()
        }),
        by_service: breakdown(incidents, |i| {
            i.meta.services.iter().map(|t| t.value.clone()).collect()
        }),
        by_severity: breakdown(incidents, |i| {
            vec![i
                .meta
                .severity
                .as_ref()
                .map_or_else(|| "unknown".to_string(), |s| s.value.to_uppercase())]
        }),
        longest: longest.into_iter().map(|(_, i)| i).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_on_known_samples() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), Some(50));
        assert_eq!(percentile(&v, 90.0), Some(90));
        assert_eq!(percentile(&v, 100.0), Some(100));
        assert_eq!(percentile(&[15, 20, 35, 40, 50], 30.0), Some(20));
        assert_eq!(percentile(&[15, 20, 35, 40, 50], 40.0), Some(20));
        assert_eq!(percentile(&[15, 20, 35, 40, 50], 50.0), Some(35));
        assert_eq!(percentile(&[7], 95.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn medians_of_even_odd_single_and_empty_samples() {
        // Nearest rank: even counts take the lower middle value, never an average.
        let cases: &[(&[u32], Option<u32>, Option<u32>)] = &[
            (&[], None, None),
            (&[42], Some(42), Some(42)),
            (&[10, 20], Some(10), Some(20)),
            (&[10, 20, 30], Some(20), Some(30)),
            (&[40, 10, 30, 20], Some(20), Some(40)),
            (&[120, 150, 150, 120, 240], Some(150), Some(240)),
        ];
        for (sample, median, p90) in cases {
            let s = summarise(sample.iter().copied().map(Minutes::new));
            assert_eq!((s.median, s.p90), (*median, *p90), "{sample:?}");
            assert_eq!(s.n, sample.len());
        }
    }

    #[test]
    fn buckets_split_at_their_bounds() {
        let b = buckets(&[
            0, 14, 15, 29, 30, 59, 60, 119, 120, 240, 479, 480, 1439, 1440, 10_000,
        ]);
        let counts: Vec<usize> = b.iter().map(|b| b.count).collect();
        assert_eq!(counts, [2, 2, 2, 2, 1, 2, 2, 2]);
        assert!((b.iter().map(|b| b.share).sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(buckets(&[]).iter().all(|b| b.count == 0 && b.share == 0.0));
    }

    #[test]
    fn ecdf_has_one_step_per_distinct_value() {
        let e = ecdf(&[10, 10, 30, 60]);
        assert_eq!(
            e,
            [
                EcdfPoint {
                    minutes: 10,
                    share: 0.5
                },
                EcdfPoint {
                    minutes: 30,
                    share: 0.75
                },
                EcdfPoint {
                    minutes: 60,
                    share: 1.0
                }
            ]
        );
    }

    #[test]
    fn months_and_years_include_empty_periods() {
        let d = |y, m, day| jiff::civil::date(y, m, day);
        let items = [
            (d(2023, 11, 5), Some(Minutes::new(30))),
            (d(2024, 2, 1), None),
            (d(2024, 2, 20), Some(Minutes::new(90))),
        ];
        let months = by_month(&items);
        let keys: Vec<&str> = months.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["2023-11", "2023-12", "2024-01", "2024-02"]);
        assert_eq!(
            (
                months[1].count,
                months[3].count,
                months[3].downtime_minutes,
                months[3].with_duration
            ),
            (0, 2, 90, 1)
        );
        assert_eq!(months[0].label, "Nov 2023");
        let years = by_year(&items);
        assert_eq!(
            years
                .iter()
                .map(|p| (p.key.as_str(), p.count))
                .collect::<Vec<_>>(),
            [("2023", 1), ("2024", 2)]
        );
        assert!(by_month(&[]).is_empty());
    }

    #[test]
    fn summary_of_a_long_tail() {
        let s = summarise([30, 45, 60, 90, 2880].map(Minutes::new));
        assert_eq!(s.n, 5);
        assert_eq!(s.median, Some(60));
        assert_eq!(s.max, Some(2880));
        assert_eq!(s.total_minutes, 3105);
        assert_eq!(s.mean, Some(621.0));
        assert!(s.small_sample);
        assert_eq!(summarise([]).median, None);
    }
}
