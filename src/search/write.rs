//! The indexer: archive → index files (format in `mod.rs`). Postmortems are tokenized in
//! parallel, each rayon split into its own dictionary (contiguous id ranges, so postings stay
//! in id order), the splits merged in order, then chunks, fragments and facets are encoded
//! and compressed in parallel.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::format::{fnv, gzip, hash_name, put_string, put_varint, FxBuild, Gzip};
use super::{record, tokenize, SearchRecord, FACETS};
use crate::archive::Archive;

/// Uncompressed bytes of a dictionary chunk before it is cut: about 10–16 KB once gzipped.
const CHUNK_TARGET: usize = 24 * 1024;
/// Documents per fragment folder (one hash in the manifest per group).
pub const DOC_GROUP: usize = 128;
/// Fragment text is cut here (at a character boundary): excerpts and phrase checks see
/// this much of each postmortem, and a shown result never costs more.
pub const TEXT_CAP: usize = 24 * 1024;

pub const VERSION: u32 = 1;
/// Gzip level of the fragments, which are most of the index's bytes and were most of its
/// build time: at 10,000 generated postmortems level 1 takes a third of level 6's time for
/// 40% more bytes (3.1 KB a result instead of 2.2 KB).
const FRAGMENT_LEVEL: u32 = 1;

/// Weight of a term in the title, in the metadata, and the most the body can add.
const TITLE: f64 = 3.0;
const META: f64 = 1.5;
const MAX_SCORE: f64 = TITLE + META + 1.0;
const K1: f64 = 1.2;
const B: f64 = 0.75;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Manifest {
    pub version: u32,
    pub docs: u32,
    /// `"en"` when query words are stemmed.
    pub stem: Option<String>,
    /// First term of each chunk, and its file.
    pub chunks: Vec<(String, String)>,
    pub doc_group: u32,
    /// Folder name of each group of fragments.
    pub groups: Vec<String>,
    /// Facet name and its file, in the search page's order.
    pub facets: Vec<(String, String)>,
    pub durations: String,
}

/// What a result shows, and the text its excerpt comes from.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct Fragment {
    pub url: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_human: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    pub severity_class: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    pub text: String,
}

/// A term's counts in one document.
#[derive(Clone, Copy)]
struct Entry {
    term: u32,
    doc: u32,
    title: u8,
    meta: u8,
    body: u16,
}

/// The dictionary and postings of one contiguous range of documents. Entries are appended
/// in document order (one per document and term, counts bumped in place), so memory is
/// written sequentially; `group` sorts them by term at the end.
#[derive(Default)]
struct Part {
    ids: HashMap<Box<str>, u32, FxBuild>,
    /// Per term: the document it was last seen in, and that entry's index.
    last: Vec<(u32, u32)>,
    entries: Vec<Entry>,
}

#[derive(Clone, Copy)]
enum Field {
    Title,
    Meta,
    Body,
}

impl Part {
    fn add(&mut self, doc: u32, term: &str, field: Field) {
        let id = match self.ids.get(term) {
            Some(&i) => i,
            None => {
                let i = self.last.len() as u32;
                self.ids.insert(term.into(), i);
                self.last.push((u32::MAX, 0));
                i
            }
        };
        let last = &mut self.last[id as usize];
        if last.0 != doc {
            *last = (doc, self.entries.len() as u32);
            self.entries.push(Entry {
                term: id,
                doc,
                title: 0,
                meta: 0,
                body: 0,
            });
        }
        let e = &mut self.entries[last.1 as usize];
        match field {
            Field::Title => e.title = e.title.saturating_add(1),
            Field::Meta => e.meta = e.meta.saturating_add(1),
            Field::Body => e.body = e.body.saturating_add(1),
        }
    }
}

/// Every part's dictionary merged, then every entry placed by a stable counting sort on its
/// term's rank in byte order: terms, entries grouped by term (each group in document
/// order, since the parts come in id order), and where each group starts.
fn group(parts: Vec<Part>) -> (Vec<Box<str>>, Vec<Entry>, Vec<usize>) {
    let mut ids: HashMap<Box<str>, u32, FxBuild> = HashMap::default();
    let mut remaps = Vec::with_capacity(parts.len());
    let mut entries = Vec::with_capacity(parts.len());
    for part in parts {
        let mut remap = vec![0u32; part.last.len()];
        for (term, local) in part.ids {
            let next = ids.len() as u32;
            remap[local as usize] = *ids.entry(term).or_insert(next);
        }
        remaps.push(remap);
        entries.push(part.entries);
    }
    let n = ids.len();
    let mut terms: Vec<(Box<str>, u32)> = ids.into_iter().collect();
    terms.par_sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut rank = vec![0u32; n];
    for (r, (_, id)) in terms.iter().enumerate() {
        rank[*id as usize] = r as u32;
    }
    let mut starts = vec![0usize; n + 1];
    for (part, remap) in entries.iter().zip(&remaps) {
        for e in part {
            starts[rank[remap[e.term as usize] as usize] as usize + 1] += 1;
        }
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    let total = starts[n];
    let mut at = starts.clone();
    let mut sorted = vec![
        Entry {
            term: 0,
            doc: 0,
            title: 0,
            meta: 0,
            body: 0,
        };
        total
    ];
    for (part, remap) in entries.into_iter().zip(&remaps) {
        for mut e in part {
            let r = rank[remap[e.term as usize] as usize];
            e.term = r;
            sorted[at[r as usize]] = e;
            at[r as usize] += 1;
        }
    }
    (terms.into_iter().map(|(t, _)| t).collect(), sorted, starts)
}

/// `text` cut to at most `TEXT_CAP` bytes, at a character boundary.
pub fn fragment_text(text: &str) -> &str {
    if text.len() <= TEXT_CAP {
        return text;
    }
    let mut end = TEXT_CAP;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn fragment(r: &SearchRecord) -> Fragment {
    let get = |k: &str| r.meta.get(k).cloned();
    let list = |k: &str| r.filters.get(k).cloned().unwrap_or_default();
    Fragment {
        url: r.url.clone(),
        title: get("title").unwrap_or_default(),
        date: get("date"),
        date_human: get("date_human"),
        duration: get("duration"),
        severity: get("severity"),
        severity_class: get("severity_class").unwrap_or_default(),
        tags: list("tag"),
        services: list("service"),
        text: fragment_text(&r.content).to_string(),
    }
}

/// Stage timings for `INQUEST_PROFILE`: wall time, and the processor time of the whole
/// process meanwhile (the pages rendered beside the index count too, except in
/// `examples/search_bench.rs`).
struct Profile {
    on: bool,
    start: Instant,
    cpu: f64,
    laps: Vec<String>,
}

impl Profile {
    fn new() -> Profile {
        let on = std::env::var_os("INQUEST_PROFILE").is_some();
        Profile {
            on,
            start: Instant::now(),
            cpu: if on { process_cpu() } else { 0.0 },
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, what: &str) {
        if self.on {
            let cpu = process_cpu();
            self.laps.push(format!(
                "{what} {} ms ({} ms cpu)",
                self.start.elapsed().as_millis(),
                ((cpu - self.cpu) * 1000.0).round()
            ));
            self.start = Instant::now();
            self.cpu = cpu;
        }
    }
}

/// User and system time of this process so far, in seconds (0 where unknown).
fn process_cpu() -> f64 {
    #[cfg(unix)]
    // SAFETY: getrusage only writes into the struct it is given.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut u) == 0 {
            let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
            return t(u.ru_utime) + t(u.ru_stime);
        }
    }
    0.0
}

pub fn build(archive: &Archive, stem: Option<&str>) -> Result<Vec<(String, Vec<u8>)>, String> {
    let whole = Instant::now();
    let mut profile = Profile::new();
    let n = archive.incidents.len();
    let n32 = u32::try_from(n).map_err(|_| "more than 4 billion postmortems".to_string())?;
    // Ids: archive order reversed (oldest first).
    let records: Vec<SearchRecord> = (0..n)
        .into_par_iter()
        .map(|id| record(&archive.incidents[n - 1 - id]))
        .collect();
    profile.lap("records");

    // Tokenize: one dictionary per split of the id range, merged in id order.
    let per_split = (n / (rayon::current_num_threads() * 4)).max(64);
    let parts: Vec<(Part, Vec<(u32, u32)>)> = records
        .par_iter()
        .enumerate()
        .with_min_len(per_split)
        .fold(
            || (Part::default(), Vec::new()),
            |(mut part, mut lengths), (id, r)| {
                let id = id as u32;
                let title = r.meta.get("title").map_or("", String::as_str);
                tokenize::each(title, |_, _, t| part.add(id, t, Field::Title));
                tokenize::each(&r.keywords, |_, _, t| part.add(id, t, Field::Meta));
                let mut len = 0u32;
                tokenize::each(&r.content, |_, _, t| {
                    len += 1;
                    part.add(id, t, Field::Body);
                });
                lengths.push((id, len));
                (part, lengths)
            },
        )
        .collect();
    profile.lap("tokenize");
    let mut body_len = vec![0u32; n];
    let parts: Vec<Part> = parts
        .into_iter()
        .map(|(part, lengths)| {
            for (id, len) in lengths {
                body_len[id as usize] = len;
            }
            part
        })
        .collect();
    let avg = (body_len.iter().map(|&l| f64::from(l)).sum::<f64>() / n.max(1) as f64).max(1.0);

    let (terms, entries, starts) = group(parts);
    profile.lap("merge and sort");

    // Each term's postings block, then chunks cut at about CHUNK_TARGET bytes.
    let blocks: Vec<Vec<u8>> = (0..terms.len())
        .into_par_iter()
        .map(|t| {
            let mut list = std::borrow::Cow::Borrowed(&entries[starts[t]..starts[t + 1]]);
            // Splits are merged in id order, so this holds; the delta coding needs it.
            if !list.windows(2).all(|w| w[0].doc < w[1].doc) {
                list.to_mut().sort_by_key(|e| e.doc);
            }
            let mut out = Vec::with_capacity(list.len() * 2);
            let mut prev = 0;
            for e in list.iter() {
                put_varint(&mut out, u64::from(e.doc - prev));
                prev = e.doc;
            }
            for e in list.iter() {
                out.push(weight(e, body_len[e.doc as usize], avg));
            }
            out
        })
        .collect();
    let mut cuts = Vec::new();
    let mut size = 0;
    for (i, (term, block)) in terms.iter().zip(&blocks).enumerate() {
        let entry = term.len() + 4 + block.len();
        if size > 0 && size + entry > CHUNK_TARGET {
            cuts.push(i);
            size = 0;
        }
        size += entry;
    }
    cuts.push(terms.len());
    let ranges: Vec<(usize, usize)> = cuts
        .iter()
        .scan(0, |start, &end| {
            let r = (*start, end);
            *start = end;
            Some(r)
        })
        .filter(|(a, b)| a < b)
        .collect();
    let chunks: Vec<(String, String, Vec<u8>)> = ranges
        .par_iter()
        .map_init(
            || Gzip::new(6),
            |gz, &(a, b)| {
                let mut raw = Vec::new();
                put_varint(&mut raw, (b - a) as u64);
                for i in a..b {
                    put_string(&mut raw, &terms[i]);
                    put_varint(&mut raw, (starts[i + 1] - starts[i]) as u64);
                    put_varint(&mut raw, blocks[i].len() as u64);
                }
                for block in &blocks[a..b] {
                    raw.extend_from_slice(block);
                }
                let path = format!("t/{}.bin", hash_name(&raw));
                (terms[a].to_string(), path, gz.compress(&raw))
            },
        )
        .collect();
    profile.lap("chunks");

    // Fragments, in folders of DOC_GROUP documents named by their content.
    let mut fragments: Vec<(u64, Vec<u8>)> = records
        .par_iter()
        .map_init(
            || Gzip::new(FRAGMENT_LEVEL),
            |gz, r| {
                let json = serde_json::to_vec(&fragment(r)).expect("serialisable");
                (fnv(&json), gz.compress(&json))
            },
        )
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(n + chunks.len() + 8);
    let mut groups = Vec::new();
    for (g, group) in fragments.chunks_mut(DOC_GROUP).enumerate() {
        // Named by the hashes of its fragments.
        let all: Vec<u8> = group.iter().flat_map(|(h, _)| h.to_le_bytes()).collect();
        let hash = hash_name(&all);
        for (i, (_, gz)) in group.iter_mut().enumerate() {
            files.push((
                format!("doc/{hash}/{}.bin", g * DOC_GROUP + i),
                std::mem::take(gz),
            ));
        }
        groups.push(hash);
    }
    drop(fragments);
    profile.lap("fragments");

    // Facets and durations.
    let mut facet_files = Vec::new();
    for &(name, _) in FACETS {
        let mut values: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for (id, r) in records.iter().enumerate() {
            for v in r.filters.get(name).into_iter().flatten() {
                let list = values.entry(v.as_str()).or_default();
                // A value listed twice in one postmortem counts once.
                if list.last() != Some(&(id as u32)) {
                    list.push(id as u32);
                }
            }
        }
        let mut raw = Vec::new();
        put_varint(&mut raw, values.len() as u64);
        for (value, ids) in &values {
            put_string(&mut raw, value);
            put_varint(&mut raw, ids.len() as u64);
            let mut prev = 0;
            for &id in ids {
                put_varint(&mut raw, u64::from(id - prev));
                prev = id;
            }
        }
        let path = format!("f/{}.bin", hash_name(&raw));
        files.push((path.clone(), gzip(&raw)));
        facet_files.push((name.to_string(), path));
    }
    let mut raw = Vec::new();
    for r in &records {
        put_varint(&mut raw, r.duration.map_or(0, |d| u64::from(d) + 1));
    }
    let durations = format!("d/{}.bin", hash_name(&raw));
    files.push((durations.clone(), gzip(&raw)));

    let manifest = Manifest {
        version: VERSION,
        docs: n32,
        stem: stem.map(String::from),
        chunks: chunks
            .iter()
            .map(|(first, path, _)| (first.clone(), path.clone()))
            .collect(),
        doc_group: DOC_GROUP as u32,
        groups,
        facets: facet_files,
        durations,
    };
    let chunk_count = chunks.len();
    for (_, path, gz) in chunks {
        files.push((path, gz));
    }
    files.push((
        "manifest.json".into(),
        serde_json::to_vec(&manifest).expect("serialisable"),
    ));
    files.push(("engine.js".into(), ENGINE_JS.as_bytes().to_vec()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    profile.lap("facets and manifest");
    if profile.on {
        eprintln!(
            "[profile] search index: {} ms ({}; {} postmortems, {} terms in {} chunks, {} files)",
            whole.elapsed().as_millis(),
            profile.laps.join(", "),
            n,
            terms.len(),
            chunk_count,
            files.len()
        );
    }
    Ok(files)
}

/// The browser client, shipped with the index it reads.
pub const ENGINE_JS: &str = include_str!("engine.js");

fn weight(r: &Entry, len: u32, avg: f64) -> u8 {
    let mut s = 0.0;
    if r.title > 0 {
        s += TITLE;
    }
    if r.meta > 0 {
        s += META;
    }
    if r.body > 0 {
        let tf = f64::from(r.body);
        s += tf / (tf + K1 * (1.0 - B + B * f64::from(len) / avg));
    }
    (s / MAX_SCORE * 255.0).round().clamp(1.0, 255.0) as u8
}
