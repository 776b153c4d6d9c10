//! Search: inquest's own static search index, and the only module that knows its format.
//! Turns the `Archive` into a chunked, lazily loaded index under `search-index/` (written in
//! parallel with rayon, gzip-compressed, content-hashed file names) plus the browser code
//! that reads it (`engine.js`, an ES module without dependencies), and the facet values the
//! search page lists. `Index::read` decodes the files again, for tests and tools.
//!
//! # Format (version 1)
//!
//! Documents are numbered by `Archive` order reversed: id 0 is the oldest postmortem
//! (undated ones first), the newest has the highest id. So "newest first" is descending ids
//! and needs no data, and a new incident takes the next id without renumbering the others:
//! the fragments of the older ones keep their file names (an undated or backdated
//! postmortem does renumber the ones after it).
//!
//! | file | content |
//! | --- | --- |
//! | `manifest.json` | fixed name, the only file to revalidate: `{"version": 1, "docs": N, "stem": "en" or null, "chunks": [[first term, file], …], "doc_group": 128, "groups": [hash, …], "facets": [[name, file], …], "durations": file}` |
//! | `engine.js` | the browser client (fixed name) |
//! | `t/<hash>.bin` | a dictionary chunk: a run of terms in byte order (= code point order) with their postings |
//! | `doc/<hash>/<id>.bin` | one document's fragment: JSON `{url, title, date, date_human, duration, severity, severity_class, tags, services, text}` (text cut at 24 KB); documents `g·128 … g·128+127` share the folder named by the hash of their fragments |
//! | `f/<hash>.bin` | one facet: its values with the ids of their documents |
//! | `d/<hash>.bin` | every document's duration, for sorting by it |
//!
//! Every `.bin` file is gzip (level 6, fragments level 1: see `write::FRAGMENT_LEVEL`; no
//! name and no time in the header); the browser inflates it with `DecompressionStream`, so
//! a host that does not compress serves the same bytes. A hash is 40 bits of FNV-1a over
//! the uncompressed bytes (a group's: over its fragments' hashes), in hex. Inside (after
//! gunzip), numbers are unsigned LEB128 varints, strings a varint byte length and UTF-8:
//!
//! - chunk: `n`, then `n` × (`term`, `df`, `len`), then each term's postings block of `len`
//!   bytes: `df` doc-id deltas (the first is the id itself, ids ascending), then `df` weight
//!   bytes. A weight (1–255) is the document's score for the term before the term's rarity:
//!   `255 · (3·[in title] + 1.5·[in tags, services, severity, date] + bm25(body)) / 5.5`,
//!   with `bm25 = tf / (tf + k1·(1 − b + b·len/avglen))` (k1 1.2, b 0.75), so a title word
//!   outranks any body. Positions are not stored.
//! - facet: `n`, then `n` × (`value`, `count`, `count` id deltas).
//! - durations: `N` × (minutes + 1, or 0 when unknown).
//!
//! # Queries (`engine.js`, and `Index::search` for tests)
//!
//! Words of two characters or fewer match the term itself; longer words also match every
//! term they begin, and in English (`language = "en…"`) every term their stem begins
//! (`deploying` → `deploy…`). A document's score for a word is the best of its terms'
//! `idf · weight · m`, `m` = 1 for the word itself, 0.8 for the stem, 0.5 for a longer term;
//! its score is the sum over the words, and it must match every word; ties go newest first.
//! A prefix whose terms fill more than `MAX_PREFIX_CHUNKS` chunks expands only into the
//! first ones and the word's own. `"quoted words"` must be those terms exactly and in that
//! order: the index finds the documents with all of them, and the phrase is checked in each
//! document's fragment text as it is shown. Facets: any of the values checked in one facet,
//! and every facet; a value's count is within the documents matching the words and every
//! other facet (what checking it would give). Sorting by date or duration puts unknown
//! values last in "newest" and "longest", first in "oldest" and "shortest".

use std::collections::BTreeMap;

use serde::Serialize;

use crate::archive::Archive;
use crate::model::Incident;

mod format;
mod read;
pub mod tokenize;
mod write;

pub use read::{Index, IndexedDoc, Query, Sort, MAX_PREFIX_CHUNKS};

/// Folder of the index and of its browser code, relative to the site root.
pub const BUNDLE_DIR: &str = "search-index/";

/// Filter names: the URL parameters of the search page (`search/?tag=dns&year=2024`).
pub const FACETS: &[(&str, &str)] = &[
    ("tag", "Tag"),
    ("service", "Service"),
    ("severity", "Severity"),
    ("year", "Year"),
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
    /// Shown in results (`title`, `date`, `date_human`, `duration`, `severity`,
    /// `severity_class`, `tags`, `services`); the title is indexed as the title.
    pub meta: BTreeMap<String, String>,
    /// Indexed as metadata: tags, services, severity and the date with the month's full
    /// name (`3 February 2024`, so `feb` and `february` both find it).
    pub keywords: String,
    pub filters: BTreeMap<String, Vec<String>>,
    /// Minutes, for sorting by duration.
    pub duration: Option<u32>,
}

/// The search record of one postmortem.
pub fn record(inc: &Incident) -> SearchRecord {
    let m = &inc.meta;
    let tags: Vec<String> = m.tags.iter().map(|f| f.value.clone()).collect();
    let services: Vec<String> = m.services.iter().map(|f| f.value.clone()).collect();
    let severity = m.severity.as_ref().map(|s| s.value.clone());
    let date = m.date.as_ref().map(|d| d.value);

    // Front-matter summary and impact are not in the body; prose ones already are.
    let mut content = String::new();
    for extra in [&m.summary, &m.impact].into_iter().flatten() {
        if !inc.plain_text.contains(extra.value.as_str()) {
            content.push_str(&extra.value);
            content.push('\n');
        }
    }
    content.push_str(&inc.plain_text);

    // What the result shows, as the archive's cards show it.
    let mut meta = BTreeMap::new();
    meta.insert("title".to_string(), m.title().to_string());
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            meta.insert(k.to_string(), v);
        }
    };
    put("date", date.map(|d| d.to_string()));
    put("date_human", date.as_ref().map(crate::views::human_date));
    put("duration", m.duration.as_ref().map(|d| d.value.human()));
    put("severity", severity.clone());
    put(
        "severity_class",
        Some(crate::views::severity_class(severity.as_deref())),
    );
    put("tags", Some(tags.join(", ")));
    put("services", Some(services.join(", ")));

    let mut keywords = [
        &meta.get("tags"),
        &meta.get("services"),
        &meta.get("severity"),
    ]
    .into_iter()
    .flatten()
    .map(|s| s.to_string())
    .collect::<Vec<_>>();
    if let Some(d) = date {
        keywords.push(d.strftime("%-d %B %Y").to_string());
    }

    let mut filters = BTreeMap::new();
    let mut filter = |k: &str, v: Vec<String>| {
        if !v.is_empty() {
            filters.insert(k.to_string(), v);
        }
    };
    filter("tag", tags);
    filter("service", services);
    filter("severity", severity.into_iter().collect());
    filter(
        "year",
        date.map(|d| d.year().to_string()).into_iter().collect(),
    );

    SearchRecord {
        url: format!("postmortems/{}/", inc.slug),
        content,
        meta,
        keywords: keywords.join("\n"),
        filters,
        duration: m.duration.as_ref().map(|d| d.value.get()),
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
/// sorted by path. The same archive gives the same files, byte for byte. `language` is the
/// site's (`en-GB`): English turns on the query words' suffix stripping.
pub fn index(archive: &Archive, language: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let base = language.split(['-', '_']).next().unwrap_or("").trim();
    let stem = base.eq_ignore_ascii_case("en").then_some("en");
    let files = write::build(archive, stem)?;
    Ok(files
        .into_iter()
        .map(|(p, b)| (format!("{BUNDLE_DIR}{p}"), b))
        .collect())
}

#[cfg(test)]
mod tests;
