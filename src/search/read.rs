//! The reader: index files → `Index`, checking the format as it goes, and the query
//! semantics of `engine.js` in Rust (`Index::search`), so tests can check the index the way
//! the browser uses it.

use std::collections::BTreeMap;
use std::ops::Bound;

use super::format::{gunzip, Reader};
use super::tokenize::{self, MIN_PREFIX_CHARS};
use super::write::{Fragment, Manifest, VERSION};
use super::BUNDLE_DIR;

/// One document as the index has it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedDoc {
    pub id: u32,
    pub fragment: Fragment,
    pub duration: Option<u32>,
    /// Facet name → values, from the facet files (each facet's values sorted).
    pub filters: BTreeMap<String, Vec<String>>,
}

/// A decoded index.
#[derive(Debug, Clone)]
pub struct Index {
    /// By id: oldest first.
    pub docs: Vec<IndexedDoc>,
    /// Term → postings (document id, weight), ids ascending.
    pub terms: BTreeMap<String, Vec<(u32, u8)>>,
    /// Facet → value → document ids.
    pub facets: BTreeMap<String, BTreeMap<String, Vec<u32>>>,
    /// Whether query words are stemmed (English).
    pub stem: bool,
    /// Dictionary chunks: (first term, file, gzipped size).
    pub chunks: Vec<(String, String, usize)>,
}

/// One query word.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub term: String,
    /// Quoted: this term only.
    pub exact: bool,
    pub stem: Option<String>,
}

/// A parsed query: every word must match; every phrase must appear in the text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub words: Vec<Word>,
    pub phrases: Vec<Vec<String>>,
}

impl Query {
    pub fn parse(q: &str, stem: bool) -> Query {
        let mut query = Query::default();
        for (i, part) in q.split('"').enumerate() {
            let quoted = i % 2 == 1;
            let terms = tokenize::terms(part);
            for t in &terms {
                if query
                    .words
                    .iter()
                    .any(|w| &w.term == t && w.exact == quoted)
                {
                    continue;
                }
                query.words.push(Word {
                    term: t.clone(),
                    exact: quoted,
                    stem: if stem && !quoted {
                        tokenize::stem_en(t)
                    } else {
                        None
                    },
                });
            }
            if quoted && terms.len() >= 2 {
                query.phrases.push(terms);
            }
        }
        query
    }

    /// Whether `text` holds every phrase.
    pub fn phrases_in(&self, text: &str) -> bool {
        if self.phrases.is_empty() {
            return true;
        }
        let terms = tokenize::terms(text);
        self.phrases
            .iter()
            .all(|p| terms.windows(p.len()).any(|w| w == p.as_slice()))
    }
}

impl Word {
    /// The prefix longer terms must begin with, if the word expands at all.
    pub fn prefix(&self) -> Option<&str> {
        (!self.exact && self.term.chars().count() >= MIN_PREFIX_CHARS)
            .then(|| self.stem.as_deref().unwrap_or(&self.term))
    }

    /// How much a match on `term` counts: 1 for the word, 0.8 for its stem, 0.5 for a
    /// longer term, `None` when `term` does not match.
    pub fn factor(&self, term: &str) -> Option<f64> {
        if term == self.term {
            Some(1.0)
        } else if self.stem.as_deref() == Some(term) {
            Some(0.8)
        } else if self.prefix().is_some_and(|p| term.starts_with(p)) {
            Some(0.5)
        } else {
            None
        }
    }
}

/// A prefix that would need more dictionary chunks than this (at 10,000 generated
/// postmortems none does; `con` needs 6, about 53 KB) expands only into the terms of the
/// first ones and of the word itself, so one short word cannot download a large part of the
/// index.
pub const MAX_PREFIX_CHUNKS: usize = 8;

/// The search page's sort orders (`sort=` in its URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    DateDesc,
    DateAsc,
    DurationDesc,
    DurationAsc,
}

impl Sort {
    pub fn parse(s: &str) -> Sort {
        match s {
            "date-desc" => Sort::DateDesc,
            "date-asc" => Sort::DateAsc,
            "duration-desc" => Sort::DurationDesc,
            "duration-asc" => Sort::DurationAsc,
            _ => Sort::Relevance,
        }
    }
}

/// The rarity of a term in `df` of `n` documents (BM25's).
pub fn idf(n: usize, df: usize) -> f64 {
    (1.0 + (n as f64 - df as f64 + 0.5) / (df as f64 + 0.5)).ln()
}

impl Index {
    /// Decodes the files `index` returned (paths with or without `search-index/`).
    pub fn read(files: &[(String, Vec<u8>)]) -> Result<Index, String> {
        let by_path: BTreeMap<&str, &[u8]> = files
            .iter()
            .map(|(p, b)| (p.strip_prefix(BUNDLE_DIR).unwrap_or(p), b.as_slice()))
            .collect();
        let get = |p: &str| -> Result<&[u8], String> {
            by_path
                .get(p)
                .copied()
                .ok_or_else(|| format!("the manifest names `{p}`, but it is missing"))
        };
        let manifest: Manifest = serde_json::from_slice(get("manifest.json")?)
            .map_err(|e| format!("manifest.json: {e}"))?;
        if manifest.version != VERSION {
            return Err(format!(
                "expected index version {VERSION}, but found {}",
                manifest.version
            ));
        }
        let n = manifest.docs as usize;
        let durations = gunzip(get(&manifest.durations)?)?;
        let mut r = Reader::new(&durations);
        let mut minutes = Vec::with_capacity(n);
        for _ in 0..n {
            minutes.push(r.varint()?.checked_sub(1).map(|m| m as u32));
        }
        if !r.at_end() {
            return Err("the durations file has more entries than documents".into());
        }

        let mut docs = Vec::with_capacity(n);
        for (id, duration) in minutes.into_iter().enumerate() {
            let group = manifest
                .groups
                .get(id / manifest.doc_group as usize)
                .ok_or("fewer fragment groups than documents")?;
            let path = format!("doc/{group}/{id}.bin");
            let fragment: Fragment = serde_json::from_slice(&gunzip(get(&path)?)?)
                .map_err(|e| format!("{path}: {e}"))?;
            docs.push(IndexedDoc {
                id: id as u32,
                fragment,
                duration,
                filters: BTreeMap::new(),
            });
        }

        let mut facets = BTreeMap::new();
        for (name, path) in &manifest.facets {
            let raw = gunzip(get(path)?)?;
            let mut r = Reader::new(&raw);
            let mut values = BTreeMap::new();
            for _ in 0..r.usize()? {
                let value = r.string()?.to_string();
                let count = r.usize()?;
                let ids = deltas(&mut r, count, n)?;
                for &id in &ids {
                    docs[id as usize]
                        .filters
                        .entry(name.clone())
                        .or_default()
                        .push(value.clone());
                }
                values.insert(value, ids);
            }
            facets.insert(name.clone(), values);
        }

        let mut terms = BTreeMap::new();
        let mut chunks = Vec::new();
        let mut last: Option<String> = None;
        for (first, path) in &manifest.chunks {
            let gz = get(path)?;
            chunks.push((first.clone(), path.clone(), gz.len()));
            let raw = gunzip(gz)?;
            let mut r = Reader::new(&raw);
            let count = r.usize()?;
            let mut entries = Vec::with_capacity(count);
            for _ in 0..count {
                entries.push((r.string()?.to_string(), r.usize()?, r.usize()?));
            }
            if entries.first().map(|e| &e.0) != Some(first) {
                return Err(format!("{path} does not begin with `{first}`"));
            }
            for (term, df, len) in entries {
                if last
                    .as_ref()
                    .is_some_and(|l| l.as_bytes() >= term.as_bytes())
                {
                    return Err(format!("{path}: `{term}` is out of order"));
                }
                let start = r.pos;
                let ids = deltas(&mut r, df, n)?;
                let weights = r.bytes(df)?;
                if r.pos - start != len {
                    return Err(format!(
                        "{path}: the postings of `{term}` are not {len} bytes"
                    ));
                }
                terms.insert(
                    term.clone(),
                    ids.into_iter().zip(weights.iter().copied()).collect(),
                );
                last = Some(term);
            }
            if !r.at_end() {
                return Err(format!("{path} has bytes after its last postings"));
            }
        }
        Ok(Index {
            docs,
            terms,
            facets,
            stem: manifest.stem.as_deref() == Some("en"),
            chunks,
        })
    }

    /// Document ids for a query, facet values and sort order (`sort=` of the search page),
    /// as `engine.js` ranks them. No words and no facets: nothing.
    pub fn search(&self, q: &str, filters: &BTreeMap<String, Vec<String>>, sort: &str) -> Vec<u32> {
        let n = self.docs.len();
        let query = Query::parse(q, self.stem);
        let filters: Vec<(&String, &Vec<String>)> =
            filters.iter().filter(|(_, v)| !v.is_empty()).collect();
        if query.words.is_empty() && filters.is_empty() {
            return Vec::new();
        }
        let mut keep = vec![true; n];
        let mut score = vec![0.0f64; n];
        for word in &query.words {
            let mut best = vec![0.0f64; n];
            let matched = match word.prefix() {
                Some(p) => {
                    let chunks = self.expansion(word, p);
                    self.terms
                        .range::<str, _>((Bound::Included(p), Bound::Unbounded))
                        .take_while(|(t, _)| t.starts_with(p))
                        .filter(|(t, _)| chunks.contains(&self.chunk_of(t)))
                        .collect::<Vec<_>>()
                }
                None => self
                    .terms
                    .get_key_value(word.term.as_str())
                    .into_iter()
                    .collect(),
            };
            for (term, postings) in matched {
                let Some(m) = word.factor(term) else { continue };
                let idf = idf(n, postings.len());
                for &(doc, w) in postings {
                    let v = idf * f64::from(w) * m;
                    if v > best[doc as usize] {
                        best[doc as usize] = v;
                    }
                }
            }
            for d in 0..n {
                if best[d] > 0.0 {
                    score[d] += best[d];
                } else {
                    keep[d] = false;
                }
            }
        }
        for (name, values) in filters {
            let mut any = vec![false; n];
            if let Some(facet) = self.facets.get(name) {
                for v in values {
                    for &id in facet.get(v).into_iter().flatten() {
                        any[id as usize] = true;
                    }
                }
            }
            for d in 0..n {
                keep[d] &= any[d];
            }
        }
        let mut ids: Vec<u32> = (0..n as u32)
            .filter(|&d| keep[d as usize] && query.phrases_in(&self.docs[d as usize].fragment.text))
            .collect();
        let mut sort = Sort::parse(sort);
        if query.words.is_empty() && sort == Sort::Relevance {
            sort = Sort::DateDesc;
        }
        // Ties: newest first.
        ids.reverse();
        let dur = |d: u32| self.docs[d as usize].duration.map_or(-1, i64::from);
        match sort {
            Sort::Relevance => {
                ids.sort_by(|&a, &b| score[b as usize].total_cmp(&score[a as usize]))
            }
            Sort::DateDesc => {}
            Sort::DateAsc => ids.reverse(),
            Sort::DurationDesc => ids.sort_by_key(|&d| std::cmp::Reverse(dur(d))),
            Sort::DurationAsc => ids.sort_by_key(|&d| dur(d)),
        }
        ids
    }

    /// The dictionary chunk that holds `term` if any does.
    pub fn chunk_of(&self, term: &str) -> usize {
        self.chunks
            .partition_point(|(first, _, _)| first.as_str() <= term)
            .saturating_sub(1)
    }

    /// The chunks a word that expands from `prefix` looks in: all that may hold terms
    /// beginning with it, or when those are more than `MAX_PREFIX_CHUNKS`, the first ones
    /// and the word's own.
    fn expansion(&self, word: &Word, prefix: &str) -> Vec<usize> {
        let from = self.chunk_of(prefix);
        let mut to = from;
        while to + 1 < self.chunks.len() && self.chunks[to + 1].0.starts_with(prefix) {
            to += 1;
        }
        if to - from < MAX_PREFIX_CHUNKS {
            return (from..=to).collect();
        }
        let mut out: Vec<usize> = (from..from + MAX_PREFIX_CHUNKS).collect();
        out.push(self.chunk_of(&word.term));
        out
    }

    /// Document ids newest first, and their urls: what `search` returns, made readable.
    pub fn urls(&self, ids: &[u32]) -> Vec<&str> {
        ids.iter()
            .map(|&d| self.docs[d as usize].fragment.url.as_str())
            .collect()
    }

    /// Every string the index holds (terms, facet values, fragments' fields and text), one
    /// a line: what a scan for text that must not be published reads.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for t in self.terms.keys() {
            out.push_str(t);
            out.push('\n');
        }
        for (name, values) in &self.facets {
            for v in values.keys() {
                out.push_str(&format!("{name}={v}\n"));
            }
        }
        for d in &self.docs {
            out.push_str(&serde_json::to_string(&d.fragment).expect("serialisable"));
            out.push('\n');
        }
        out
    }
}

/// `count` delta-coded ids, each below `n`.
fn deltas(r: &mut Reader<'_>, count: usize, n: usize) -> Result<Vec<u32>, String> {
    let mut ids = Vec::with_capacity(count.min(n));
    let mut prev: u64 = 0;
    for i in 0..count {
        let d = r.varint()?;
        if i > 0 && d == 0 {
            return Err("a document listed twice".into());
        }
        prev += d;
        if prev >= n as u64 {
            return Err(format!("document id {prev} out of range ({n} documents)"));
        }
        ids.push(prev as u32);
    }
    Ok(ids)
}
