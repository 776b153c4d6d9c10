//! Template views: what templates see, separate from the domain structs so the domain can
//! change without breaking themes. This is a contract (`CONTEXT_VERSION`): renaming a field
//! breaks users' templates; adding one does not. Every page gets `site`, `root` (the relative
//! prefix to the site root, so the site works under any sub-path) and `page`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::archive::{Archive, Taxonomy, Term};
use crate::config::Config;
use crate::model::{ActionItem, Incident, TimelineEntry, TocEntry};
use crate::record::Record;
use crate::stats::{summarise, DurationSummary};

pub const CONTEXT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub language: String,
    pub generator: String,
    /// Taxonomies with their display titles, for navigation.
    pub taxonomies: Vec<TaxonomyLink>,
    pub context_version: u32,
    /// `public` or `internal`: the edition being built.
    pub edition: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyLink {
    pub name: String,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageInfo {
    /// `index`, `postmortem`, `taxonomy`, `term`, `stats`, `search`, `404`.
    pub kind: &'static str,
    pub title: String,
    /// Path relative to the site root (`postmortems/db/`).
    pub url: String,
    /// Absolute URL built from `base_url`.
    pub permalink: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Base<'a> {
    pub site: &'a SiteView,
    /// `""`, `"../"`, `"../../"`: prefix for links to other pages of the site.
    pub root: String,
    pub page: PageInfo,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermLink {
    pub name: String,
    pub url: String,
}

/// A postmortem in a list.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    /// The card rendered by `card.html` for the page it is listed on (empty when not
    /// pre-rendered); list templates print it instead of rendering each card themselves.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub html: String,
    pub slug: String,
    pub url: String,
    pub title: String,
    pub date: Option<String>,
    /// `1 Mar 2023`.
    pub date_human: Option<String>,
    pub year: Option<i16>,
    /// `10:00–12:30 PST`.
    pub window_human: Option<String>,
    pub duration_minutes: Option<u32>,
    pub duration_human: Option<String>,
    pub impact_percent: Option<f64>,
    pub severity: Option<String>,
    /// `sev1`…`sev5` or `sev-unknown`, for styling.
    pub severity_class: String,
    pub services: Vec<TermLink>,
    pub tags: Vec<TermLink>,
    pub summary: Option<String>,
    pub draft: bool,
    /// An internal postmortem (only ever listed in the internal edition).
    pub internal: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldSource {
    /// `front_matter`, `prose` or `derived`.
    pub kind: &'static str,
    /// Human-readable: "front matter `date` (line 3)", "text, line 12 (from_to_range)".
    pub detail: String,
}

/// A postmortem on its own page.
#[derive(Debug, Clone, Serialize)]
pub struct PostmortemView {
    #[serde(flatten)]
    pub card: Card,
    pub record: Record,
    pub impact: Option<String>,
    pub status: Option<String>,
    pub authors: Vec<String>,
    pub timeline: Vec<TimelineEntry>,
    pub action_items: Vec<ActionItem>,
    /// Action items not marked done.
    pub open_actions: usize,
    pub toc: Vec<TocEntry>,
    pub sources: BTreeMap<&'static str, FieldSource>,
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Internal edition: front-matter fields declared internal that inquest does not otherwise
    /// show (`[{name, value}]`, values as text).
    pub internal_fields: Vec<NamedValue>,
    pub source: String,
    pub reading_minutes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct NamedValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub count: usize,
    pub stats: DurationSummary,
}

pub fn site_view(config: &Config) -> SiteView {
    SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        base_url: config.base_url(),
        language: config.language.clone(),
        generator: format!("inquest {}", env!("CARGO_PKG_VERSION")),
        taxonomies: config
            .taxonomies
            .iter()
            .map(|t| TaxonomyLink {
                name: t.clone(),
                title: taxonomy_title(t),
                url: format!("{t}/"),
            })
            .collect(),
        context_version: CONTEXT_VERSION,
        edition: config.edition.name(),
    }
}

/// `tags` → `Tags`, `on-call-teams` → `On call teams`.
pub fn taxonomy_title(name: &str) -> String {
    let s = name.replace(['-', '_'], " ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

pub fn term_url(taxonomy: &str, slug: &str) -> String {
    format!("{taxonomy}/{slug}/")
}

/// `SEV1`, `P0`, `critical` → a class from `sev1` (worst) to `sev5`.
pub fn severity_class(sev: Option<&str>) -> String {
    let Some(s) = sev else {
        return "sev-unknown".into();
    };
    let lower = s.trim().to_ascii_lowercase();
    let digit = lower
        .chars()
        .find(|c| c.is_ascii_digit())
        .and_then(|c| c.to_digit(10));
    let rank = if lower.starts_with('p') {
        digit.map(|d| d + 1)
    } else if lower.starts_with("sev") || lower.starts_with("s") && digit.is_some() {
        digit.map(|d| d.max(1))
    } else {
        match lower.as_str() {
            "critical" | "blocker" => Some(1),
            "major" | "high" => Some(2),
            "moderate" | "medium" => Some(3),
            "minor" | "low" => Some(4),
            _ => None,
        }
    };
    match rank {
        Some(r) => format!("sev{}", r.clamp(1, 5)),
        None => "sev-unknown".into(),
    }
}

pub(crate) fn human_date(d: &jiff::civil::Date) -> String {
    d.strftime("%-d %b %Y").to_string()
}

fn window_human(inc: &Incident) -> Option<String> {
    let m = &inc.meta;
    let hm = |t: &jiff::civil::Time| format!("{:02}:{:02}", t.hour(), t.minute());
    let start = m.start_time.as_ref()?;
    // IANA zones read better as the abbreviation in force that day (`Europe/Berlin` → `CET`).
    let zone = m
        .timezone
        .as_ref()
        .map(|z| match (&z.value.iana, &inc.window.started_at) {
            (Some(_), Some(s)) => format!(" {}", s.strftime("%Z")),
            _ => format!(" {}", z.value.written),
        });
    let zone = zone.unwrap_or_default();
    let Some(end) = &m.end_time else {
        return Some(format!("from {}{zone}", hm(&start.value)));
    };
    Some(match &m.end_date {
        Some(ed) => format!(
            "{}–{} {}{zone}",
            hm(&start.value),
            human_date(&ed.value),
            hm(&end.value)
        ),
        None => format!("{}–{}{zone}", hm(&start.value), hm(&end.value)),
    })
}

fn term_links(values: impl Iterator<Item = String>, taxonomy: &str) -> Vec<TermLink> {
    values
        .filter_map(|v| {
            let slug = crate::model::Slug::from_text(&v)?;
            Some(TermLink {
                url: term_url(taxonomy, slug.as_str()),
                name: v,
            })
        })
        .collect()
}

/// A short description: the front-matter summary, else the first real paragraph of the text
/// (at least 12 words, not a `Duration:`/`Author:` style label line).
pub fn excerpt(inc: &Incident) -> Option<String> {
    if let Some(s) = &inc.meta.summary {
        return Some(s.value.clone());
    }
    const GOOD_LABELS: &[&str] = &[
        "summary",
        "impact",
        "overview",
        "description",
        "what happened",
        "issue summary",
    ];
    let blocks = inc
        .plain_text
        .lines()
        .map(str::trim)
        .filter(|b| !b.is_empty());
    let mut fallback = None;
    for block in blocks {
        let words = block.split_whitespace().count();
        if fallback.is_none() && words >= 5 {
            fallback = Some(block);
        }
        if words < 12 || block.contains(" · ") {
            continue;
        }
        let text = match block.split_once(": ") {
            Some((label, rest))
                if label.split_whitespace().count() <= 3 && !label.contains(',') =>
            {
                if GOOD_LABELS.contains(&label.trim().to_lowercase().as_str()) {
                    rest
                } else {
                    continue;
                }
            }
            _ => block,
        };
        return Some(shorten(text, 240));
    }
    fallback.map(|b| shorten(b, 240))
}

fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

pub fn card(inc: &Incident) -> Card {
    let m = &inc.meta;
    Card {
        html: String::new(),
        slug: inc.slug.to_string(),
        url: format!("postmortems/{}/", inc.slug),
        title: m.title().to_string(),
        date: m.date.as_ref().map(|d| d.value.to_string()),
        date_human: m.date.as_ref().map(|d| human_date(&d.value)),
        year: m.date.as_ref().map(|d| d.value.year()),
        window_human: window_human(inc),
        duration_minutes: m.duration.as_ref().map(|d| d.value.get()),
        duration_human: m.duration.as_ref().map(|d| d.value.human()),
        impact_percent: m.impact_percent.as_ref().map(|p| p.value.get()),
        severity: m.severity.as_ref().map(|s| s.value.clone()),
        severity_class: severity_class(m.severity.as_ref().map(|s| s.value.as_str())),
        services: term_links(m.services.iter().map(|f| f.value.clone()), "services"),
        tags: term_links(m.tags.iter().map(|f| f.value.clone()), "tags"),
        summary: excerpt(inc),
        draft: m.draft,
        internal: m.internal,
    }
}

pub fn postmortem_view(inc: &Incident, record: &Record) -> PostmortemView {
    let m = &inc.meta;
    let sources = m
        .sources()
        .into_iter()
        .map(|(name, s)| {
            let source = FieldSource {
                kind: s.kind(),
                detail: s.to_string(),
            };
            (name, source)
        })
        .collect();
    let words = inc.plain_text.split_whitespace().count();
    PostmortemView {
        card: card(inc),
        record: record.clone(),
        impact: m.impact.as_ref().map(|f| f.value.clone()),
        status: m.status.as_ref().map(|f| f.value.clone()),
        authors: m.authors.clone(),
        timeline: m.timeline.clone(),
        action_items: m.action_items.clone(),
        open_actions: m.action_items.iter().filter(|a| !a.done).count(),
        toc: inc.toc.clone(),
        sources,
        extra: m.extra.clone(),
        internal_fields: m
            .internal_extra
            .iter()
            .map(|(k, v)| NamedValue {
                name: k.clone(),
                value: match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Array(a) => a
                        .iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), String::from))
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                },
            })
            .collect(),
        source: inc.source.clone(),
        reading_minutes: words.div_ceil(220).max(1),
    }
}

pub fn term_view(archive: &Archive, tax: &Taxonomy, term: &Term) -> TermView {
    TermView {
        name: term.name.clone(),
        slug: term.slug.to_string(),
        url: term_url(&tax.name, term.slug.as_str()),
        count: term.members.len(),
        stats: summarise(
            term.members
                .iter()
                .filter_map(|&i| archive.incidents[i].meta.duration.as_ref().map(|d| d.value)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_classes() {
        let cases = [
            (Some("SEV1"), "sev1"),
            (Some("sev-2"), "sev2"),
            (Some("P0"), "sev1"),
            (Some("P3"), "sev4"),
            (Some("critical"), "sev1"),
            (Some("Minor"), "sev4"),
            (Some("weird"), "sev-unknown"),
            (None, "sev-unknown"),
        ];
        for (input, want) in cases {
            assert_eq!(severity_class(input), want, "{input:?}");
        }
    }

    #[test]
    fn taxonomy_titles() {
        assert_eq!(taxonomy_title("tags"), "Tags");
        assert_eq!(taxonomy_title("on-call-teams"), "On call teams");
    }
}
