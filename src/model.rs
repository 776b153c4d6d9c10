//! The domain values of an archive: validated newtypes (`Slug`, `Minutes`, `Percent`), facts
//! with their provenance (`Found<T>`), one postmortem's metadata (`IncidentMeta`) and the
//! assembled `Incident`. No I/O lives here.

use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::{Date, Time};
use serde::Serialize;

/// Where a value came from. Front matter always wins over prose; derived values are computed
/// from other facts (or defaults) and say from what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Given by a front-matter key; `line` counts in the whole file.
    FrontMatter { line: u32, key: String },
    /// Read from the text; `rule` names the extractor rule that matched.
    Prose { line: u32, rule: &'static str },
    /// Computed from other facts, or a configured default.
    Derived { from: String },
}

impl Source {
    /// The coarse provenance published in `incidents.json`.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::FrontMatter { .. } => "front_matter",
            Source::Prose { .. } => "prose",
            Source::Derived { .. } => "derived",
        }
    }

    pub fn line(&self) -> Option<u32> {
        match self {
            Source::FrontMatter { line, .. } | Source::Prose { line, .. } => Some(*line),
            Source::Derived { .. } => None,
        }
    }

    pub fn derived(from: impl Into<String>) -> Source {
        Source::Derived { from: from.into() }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::FrontMatter { line, key } => write!(f, "front matter `{key}` (line {line})"),
            Source::Prose { line, rule } => write!(f, "text, line {line} ({rule})"),
            Source::Derived { from } => write!(f, "derived from {from}"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Found<T> {
    pub fn new(value: T, source: Source) -> Self {
        Found { value, source }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Found<U> {
        Found {
            value: f(self.value),
            source: self.source,
        }
    }
}

/// A whole number of minutes; cannot be negative by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Minutes(u32);

impl Minutes {
    pub const fn new(m: u32) -> Minutes {
        Minutes(m)
    }

    /// Rejects negative values (an end before its start).
    pub fn from_signed(m: i64) -> Option<Minutes> {
        u32::try_from(m).ok().map(Minutes)
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// `45 min`, `2 h 30 min`, `3 d 4 h`.
    pub fn human(self) -> String {
        let m = self.0;
        if m < 60 {
            return format!("{m} min");
        }
        if m < 24 * 60 {
            let (h, r) = (m / 60, m % 60);
            return if r == 0 {
                format!("{h} h")
            } else {
                format!("{h} h {r} min")
            };
        }
        let (d, h) = (m / (24 * 60), (m % (24 * 60)) / 60);
        if h == 0 {
            format!("{d} d")
        } else {
            format!("{d} d {h} h")
        }
    }
}

/// A share of users (or traffic) in 0..=100.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Percent(f64);

impl Percent {
    pub fn new(p: f64) -> Option<Percent> {
        (p.is_finite() && (0.0..=100.0).contains(&p)).then_some(Percent(p))
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

/// A URL-safe path segment: lowercase ASCII letters, digits and single dashes. It can never
/// hold `/`, `..` or anything a browser or file system would treat specially.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Makes a slug from any text (non-ASCII letters are transliterated); `None` when nothing
    /// usable is left (an empty or all-punctuation name).
    pub fn from_text(text: &str) -> Option<Slug> {
        let s = slug::slugify(text);
        (!s.is_empty()).then_some(Slug(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A time zone as the author wrote it, with what it resolves to when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Zone {
    /// Exactly as written (`PST`, `GMT + 1`, `Europe/Paris`).
    pub written: String,
    /// Offset from UTC in minutes for fixed offsets and abbreviations; `None` for IANA names
    /// (whose offset depends on the date) and unknown zones.
    pub offset_minutes: Option<i32>,
    /// The IANA name when one was given or configured.
    pub iana: Option<String>,
    /// Abbreviations that mean different offsets in different places (IST, CST, …).
    pub ambiguous: bool,
}

/// One time-stamped line of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    /// The time as normalised text: `HH:MM`, `HH:MM–HH:MM`, or a relative marker (`T+10m`).
    pub time: String,
    pub text: String,
    #[serde(skip)]
    pub line: u32,
}

/// One follow-up action; `done` comes from a `- [x]` task marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionItem {
    pub text: String,
    pub done: bool,
    #[serde(skip)]
    pub line: u32,
}

/// Everything known about one postmortem, each fact with its provenance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentMeta {
    /// Always present: a document with no title gets a derived one.
    pub title: Option<Found<String>>,
    pub date: Option<Found<Date>>,
    pub start_time: Option<Found<Time>>,
    pub end_time: Option<Found<Time>>,
    /// The day the outage ended, when it is not `date` (outages that cross midnight or days).
    pub end_date: Option<Found<Date>>,
    pub timezone: Option<Found<Zone>>,
    pub detected_at: Option<Found<jiff::Timestamp>>,
    pub duration: Option<Found<Minutes>>,
    pub impact_percent: Option<Found<Percent>>,
    pub impact: Option<Found<String>>,
    pub affected_users: Option<Found<u64>>,
    pub severity: Option<Found<String>>,
    pub status: Option<Found<String>>,
    pub summary: Option<Found<String>>,
    pub authors: Vec<String>,
    pub services: Vec<Found<String>>,
    pub tags: Vec<Found<String>>,
    pub timeline: Vec<TimelineEntry>,
    pub action_items: Vec<ActionItem>,
    pub slug: Option<Found<String>>,
    pub draft: bool,
    /// Front-matter keys inquest does not know, kept for templates.
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The whole postmortem is internal (`visibility = "internal"`, or wholly fenced); set by
    /// `edition::Prepared::mark`, as extraction never sees what decides it.
    pub internal: bool,
    /// Internal edition: front-matter keys declared internal in site.toml that inquest does not
    /// otherwise know (`internal_notes`), shown marked on the page.
    pub internal_extra: BTreeMap<String, serde_json::Value>,
}

impl IncidentMeta {
    /// Where each known field came from, named as in `incidents.json`. The one list that
    /// `provenance` in records and `sources` in template views are made from.
    pub fn sources(&self) -> Vec<(&'static str, &Source)> {
        fn s<T>(f: &Option<Found<T>>) -> Option<&Source> {
            f.as_ref().map(|f| &f.source)
        }
        [
            ("title", s(&self.title)),
            ("date", s(&self.date)),
            ("start_time", s(&self.start_time)),
            ("end_time", s(&self.end_time)),
            ("end_date", s(&self.end_date)),
            ("timezone", s(&self.timezone)),
            ("detected_at", s(&self.detected_at)),
            ("duration_minutes", s(&self.duration)),
            ("impact_percent", s(&self.impact_percent)),
            ("impact", s(&self.impact)),
            ("affected_users", s(&self.affected_users)),
            ("severity", s(&self.severity)),
            ("status", s(&self.status)),
            ("summary", s(&self.summary)),
            ("services", self.services.first().map(|f| &f.source)),
            ("tags", self.tags.first().map(|f| &f.source)),
        ]
        .into_iter()
        .filter_map(|(name, src)| src.map(|src| (name, src)))
        .collect()
    }

    /// The page title (documents without one get a derived title during extraction).
    pub fn title(&self) -> &str {
        self.title
            .as_ref()
            .map_or("Untitled postmortem", |t| &t.value)
    }
}

/// A postmortem ready to be placed in the archive: metadata, rendered body and location.
#[derive(Debug, Clone)]
pub struct Incident {
    pub slug: Slug,
    /// Path relative to the content folder, with `/` separators.
    pub source: String,
    pub meta: IncidentMeta,
    /// The outage window as instants, computed from date, times and zone.
    pub window: crate::extract::Window,
    pub body_html: String,
    /// The body as plain text (for excerpts, search and word counts).
    pub plain_text: String,
    pub toc: Vec<TocEntry>,
    /// Non-postmortem files beside this one (relative to the content folder) that are copied
    /// next to its page.
    pub attachments: Vec<String>,
    /// Hash of the source path and bytes: equal fingerprints, equal incidents (for caches).
    pub fingerprint: u64,
    /// The `incidents.json` record, made on first use and kept with the (cached) incident.
    pub record: std::sync::OnceLock<std::sync::Arc<crate::record::Record>>,
}

impl Incident {
    /// The `incidents.json` record of this incident.
    pub fn record(&self) -> std::sync::Arc<crate::record::Record> {
        std::sync::Arc::clone(self.record.get_or_init(|| {
            std::sync::Arc::new(crate::record::record(
                &self.meta,
                &self.window,
                &self.source,
                Some(self.slug.as_str()),
            ))
        }))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_human_forms() {
        let cases = [
            (0, "0 min"),
            (45, "45 min"),
            (60, "1 h"),
            (150, "2 h 30 min"),
            (1440, "1 d"),
            (1500, "1 d 1 h"),
        ];
        for (m, want) in cases {
            assert_eq!(Minutes::new(m).human(), want, "{m} minutes");
        }
        assert_eq!(Minutes::from_signed(-5), None);
    }

    #[test]
    fn slug_never_holds_path_characters() {
        for text in [
            "../etc/passwd",
            "a/b",
            "Ünïcödé Outage",
            "  spaces  here ",
            "a..b",
        ] {
            let s = Slug::from_text(text).unwrap();
            assert!(
                !s.as_str().contains('/') && !s.as_str().contains(".."),
                "{s}"
            );
            assert!(s
                .as_str()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        }
        assert_eq!(
            Slug::from_text("Ünïcödé Outage").unwrap().as_str(),
            "unicode-outage"
        );
        assert_eq!(Slug::from_text("!!!"), None);
    }

    #[test]
    fn percent_is_bounded() {
        assert!(Percent::new(101.0).is_none());
        assert!(Percent::new(-1.0).is_none());
        assert_eq!(Percent::new(30.0).unwrap().get(), 30.0);
    }
}
