//! The public, versioned data contract: one postmortem as it appears in `incidents.json` and in
//! `inquest extract --json`. Renaming or removing a field is a breaking change (bump
//! `VERSION`); adding one is not.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::extract::Window;
use crate::model::{ActionItem, Found, IncidentMeta, TimelineEntry};

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Record {
    pub slug: Option<String>,
    /// Path of the page relative to the site root (`postmortems/db-outage/`).
    pub url: Option<String>,
    /// Path of the source file relative to the content folder.
    pub source: String,
    pub title: String,
    /// `YYYY-MM-DD`, the day the outage started.
    pub date: Option<String>,
    /// `HH:MM`, local time as written.
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    /// `YYYY-MM-DD` when the outage ended on another day than `date`.
    pub end_date: Option<String>,
    /// The zone as written (`PST`, `UTC-5`, `Europe/Paris`).
    pub timezone: Option<String>,
    pub utc_offset_minutes: Option<i32>,
    /// RFC 3339 with offset, when date, time and zone are all known.
    pub started_at: Option<String>,
    pub resolved_at: Option<String>,
    pub detected_at: Option<String>,
    pub duration_minutes: Option<u32>,
    pub impact_percent: Option<f64>,
    pub impact: Option<String>,
    pub affected_users: Option<u64>,
    pub severity: Option<String>,
    pub status: Option<String>,
    pub summary: Option<String>,
    pub authors: Vec<String>,
    pub services: Vec<String>,
    pub tags: Vec<String>,
    pub draft: bool,
    /// `public` or `internal` (only the internal edition lists internal postmortems).
    pub visibility: &'static str,
    pub timeline: Vec<TimelineEntry>,
    pub action_items: Vec<ActionItem>,
    /// `{field: "front_matter" | "prose" | "derived"}` for every known field.
    pub provenance: BTreeMap<&'static str, &'static str>,
}

fn val<T, U>(f: &Option<Found<T>>, g: impl FnOnce(&T) -> U) -> Option<U> {
    f.as_ref().map(|f| g(&f.value))
}

/// Builds the record of one postmortem. `slug` and `url` are `None` outside a site build.
pub fn record(meta: &IncidentMeta, window: &Window, source: &str, slug: Option<&str>) -> Record {
    let mut provenance: BTreeMap<&'static str, &'static str> = meta
        .sources()
        .into_iter()
        .map(|(name, src)| (name, src.kind()))
        .collect();
    // Instants are always computed from date, time and zone.
    if window.started_at.is_some() {
        provenance.insert("started_at", "derived");
    }
    if window.resolved_at.is_some() {
        provenance.insert("resolved_at", "derived");
    }
    let hm = |t: &jiff::civil::Time| format!("{:02}:{:02}", t.hour(), t.minute());
    Record {
        slug: slug.map(String::from),
        url: slug.map(|s| format!("postmortems/{s}/")),
        source: source.to_string(),
        title: meta.title().to_string(),
        date: val(&meta.date, |d| d.to_string()),
        start_time: val(&meta.start_time, hm),
        end_time: val(&meta.end_time, hm),
        end_date: val(&meta.end_date, |d| d.to_string()),
        timezone: val(&meta.timezone, |z| z.written.clone()),
        utc_offset_minutes: window.utc_offset_minutes,
        started_at: window.started_at.as_ref().map(rfc3339),
        resolved_at: window.resolved_at.as_ref().map(rfc3339),
        detected_at: val(&meta.detected_at, |t| t.to_string()),
        duration_minutes: val(&meta.duration, |m| m.get()),
        impact_percent: val(&meta.impact_percent, |p| p.get()),
        impact: val(&meta.impact, Clone::clone),
        affected_users: val(&meta.affected_users, |n| *n),
        severity: val(&meta.severity, Clone::clone),
        status: val(&meta.status, Clone::clone),
        summary: val(&meta.summary, Clone::clone),
        authors: meta.authors.clone(),
        services: meta.services.iter().map(|f| f.value.clone()).collect(),
        tags: meta.tags.iter().map(|f| f.value.clone()).collect(),
        draft: meta.draft,
        visibility: if meta.internal { "internal" } else { "public" },
        timeline: meta.timeline.clone(),
        action_items: meta.action_items.clone(),
        provenance,
    }
}

/// `2023-03-01T10:00:00-08:00`.
pub fn rfc3339(z: &jiff::Zoned) -> String {
    z.timestamp().display_with_offset(z.offset()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;

    #[test]
    fn unknown_fields_are_null_and_known_ones_carry_provenance() {
        let meta = IncidentMeta {
            title: Some(Found::new(
                "DB".into(),
                Source::Prose {
                    line: 1,
                    rule: "heading",
                },
            )),
            ..Default::default()
        };
        let r = record(&meta, &Window::default(), "a.md", Some("db"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["url"], "postmortems/db/");
        assert!(json["date"].is_null());
        assert!(json["duration_minutes"].is_null());
        assert_eq!(json["provenance"]["title"], "prose");
        assert!(json["provenance"].get("date").is_none());
    }
}
