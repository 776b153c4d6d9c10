//! Duration statistics over incidents. Pure. Percentiles use the nearest-rank definition
//! (the smallest value with at least p% of the sample at or below it), so every figure shown
//! is a real incident's duration; means are offered only labelled as such.

use serde::Serialize;

use crate::model::Minutes;

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
