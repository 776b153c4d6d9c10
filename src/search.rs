//! Search: the only module that knows Pagefind. Turns the `Archive` into one search record per
//! postmortem (body text, title and terms as metadata, filters for the facets, sort keys) and
//! returns Pagefind's chunked, lazily loaded index as output files under `pagefind/`, plus the
//! facet values the search page lists. Swapping the engine means rewriting this file and
//! `static/search.js` in the theme.

use std::collections::BTreeMap;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use serde::Serialize;

use crate::archive::Archive;
use crate::model::Incident;

/// Folder of the index and of Pagefind's browser code, relative to the site root.
pub const BUNDLE_DIR: &str = "pagefind/";

/// Filter names: the URL parameters of the search page (`search/?tag=dns&year=2024`).
pub const FACETS: &[(&str, &str)] = &[
    ("tag", "Tag"),
    ("service", "Service"),
    ("severity", "Severity"),
    ("year", "Year"),
];

/// Sort key for postmortems without a date or a duration. Pagefind leaves a page out of
/// sorted results when it lacks the key, so every page gets one: these sort last in the
/// "newest first" and "longest first" orders, which are the ones people use.
const NO_DATE: &str = "0000-00-00";
const NO_DURATION: &str = "-1";

/// Pagefind files the search page never loads: its ready-made UIs, replaced by the theme's
/// `search.js`, and its web worker (the page searches on the main thread, which keeps the
/// first query one download smaller).
const UNUSED: &[&str] = &[
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.",
    "pagefind-worker.",
];

/// One facet of the search page with every value and its number of postmortems.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Facet {
    /// The filter and URL parameter name (`tag`).
    pub name: &'static str,
    pub label: &'static str,
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FacetValue {
    pub value: String,
    pub count: usize,
}

/// What one postmortem contributes to the index; also what tests check the index against.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRecord {
    /// Relative to the site root (`postmortems/db/`); the search page prefixes `root`.
    pub url: String,
    /// Indexed full text; excerpts are cut from it.
    pub content: String,
    /// Shown in results; every value is also indexed as text.
    pub meta: BTreeMap<String, String>,
    pub filters: BTreeMap<String, Vec<String>>,
    pub sort: BTreeMap<String, String>,
}

/// The search record of one postmortem.
pub fn record(inc: &Incident) -> SearchRecord {
    let m = &inc.meta;
    let card = crate::views::card(inc);
    let tags: Vec<String> = m.tags.iter().map(|f| f.value.clone()).collect();
    let services: Vec<String> = m.services.iter().map(|f| f.value.clone()).collect();

    // Front-matter summary and impact are not in the body; prose ones already are.
    let mut content = String::new();
    for extra in [&m.summary, &m.impact].into_iter().flatten() {
        if !inc.plain_text.contains(extra.value.as_str()) {
            content.push_str(&extra.value);
            content.push('\n');
        }
    }
    content.push_str(&inc.plain_text);

    let mut meta = BTreeMap::new();
    meta.insert("title".to_string(), card.title.clone());
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            meta.insert(k.to_string(), v);
        }
    };
    put("date", card.date.clone());
    put("date_human", card.date_human.clone());
    put("duration", card.duration_human.clone());
    put("severity", card.severity.clone());
    put("severity_class", Some(card.severity_class.clone()));
    put("tags", Some(tags.join(", ")));
    put("services", Some(services.join(", ")));

    let mut filters = BTreeMap::new();
    let mut filter = |k: &str, v: Vec<String>| {
        if !v.is_empty() {
            filters.insert(k.to_string(), v);
        }
    };
    filter("tag", tags);
    filter("service", services);
    filter("severity", card.severity.iter().cloned().collect());
    filter("year", card.year.iter().map(i16::to_string).collect());

    let sort = BTreeMap::from([
        (
            "date".to_string(),
            card.date.clone().unwrap_or_else(|| NO_DATE.into()),
        ),
        (
            "duration".to_string(),
            card.duration_minutes
                .map_or_else(|| NO_DURATION.into(), |d| d.to_string()),
        ),
    ]);
    SearchRecord {
        url: card.url,
        content,
        meta,
        filters,
        sort,
    }
}

/// Facet values over the whole archive, for the search page to list without loading the
/// filter index first. Values are sorted like the filters' own order: years newest first,
/// the rest by name.
pub fn facets(archive: &Archive) -> Vec<Facet> {
    let mut counts: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for inc in &archive.incidents {
        for (name, values) in record(inc).filters {
            let name = FACETS
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(n, _)| *n);
            for v in values {
                *counts.entry(name).or_default().entry(v).or_default() += 1;
            }
        }
    }
    FACETS
        .iter()
        .map(|&(name, label)| {
            let mut values: Vec<FacetValue> = counts
                .remove(name)
                .unwrap_or_default()
                .into_iter()
                .map(|(value, count)| FacetValue { value, count })
                .collect();
            if name == "year" {
                values.reverse();
            } else {
                values.sort_by(|a, b| {
                    a.value
                        .to_lowercase()
                        .cmp(&b.value.to_lowercase())
                        .then_with(|| a.value.cmp(&b.value))
                });
            }
            Facet {
                name,
                label,
                values,
            }
        })
        .collect()
}

/// Builds the index of every postmortem in `archive`: `(path under the site root, bytes)`,
/// sorted by path. Index files are gzip-compressed by Pagefind (as the browser code expects);
/// their names are content hashes, so the same archive gives the same files.
pub fn index(archive: &Archive, language: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let records: Vec<SearchRecord> = archive.incidents.iter().map(|i| record(i)).collect();
    // Pagefind's API is async; a private single-threaded runtime keeps that in this module.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    let language = pagefind_language(language);
    let files = runtime.block_on(async move {
        let config = PagefindServiceConfig::builder()
            .force_language(language.clone())
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| e.to_string())?;
        for r in records {
            index
                .add_custom_record(
                    r.url,
                    r.content,
                    language.clone(),
                    Some(r.meta),
                    Some(r.filters),
                    Some(r.sort),
                )
                .await
                .map_err(|e| format!("cannot index a postmortem: {e}"))?;
        }
        index.get_files().await.map_err(|e| e.to_string())
    })?;
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .filter_map(|f| {
            let rel = f
                .filename
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            if UNUSED.iter().any(|u| name.starts_with(u)) {
                return None;
            }
            Some((format!("{BUNDLE_DIR}{rel}"), f.contents))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// `en-GB` → `en`: Pagefind ships one stemmer per base language.
fn pagefind_language(language: &str) -> String {
    let base = language.split(['-', '_']).next().unwrap_or("").trim();
    if base.is_empty() {
        "en".into()
    } else {
        base.to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests;
