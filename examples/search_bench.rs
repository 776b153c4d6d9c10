//! Times the search index alone and reports its size, for the README's figures:
//! `cargo run --release --example search_bench -- SITE_DIR` (a site with `site.toml` and
//! `content/`, e.g. made by `gen_corpus.py`). The site is loaded once (which builds the index
//! as part of the pipeline), then the index is built again on its own and timed (best of
//! `RUNS`, default 3). `GZIP_LEVELS=1` and `TOKENIZE=1` add experiments.

use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

fn main() {
    let root = std::env::args()
        .nth(1)
        .expect("usage: search_bench SITE_DIR");
    let opts = inquest::build::BuildOptions {
        root: root.into(),
        ..Default::default()
    };
    let start = Instant::now();
    let site = match inquest::build::load(&opts) {
        Ok(s) => s,
        Err(f) => {
            for d in f.diagnostics {
                eprintln!("{d:?}");
            }
            std::process::exit(1);
        }
    };
    let whole = start.elapsed();
    // The best of a few runs: a shared machine's load only ever adds time.
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    // Peak heap of the index builds alone, above what the loaded site holds.
    let live_before = counting::LIVE.load(Relaxed);
    counting::PEAK.store(live_before, Relaxed);
    let mut index_time = std::time::Duration::MAX;
    let mut index_cpu = f64::MAX;
    let mut files = Vec::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let cpu = cpu_seconds();
        files = inquest::search::index(&site.archive, &site.config.language).unwrap();
        index_time = index_time.min(start.elapsed());
        index_cpu = index_cpu.min(cpu_seconds() - cpu);
    }
    if std::env::var_os("TOKENIZE").is_some() {
        let texts: Vec<&str> = site
            .archive
            .incidents
            .iter()
            .map(|i| i.plain_text.as_str())
            .collect();
        let bytes: usize = texts.iter().map(|t| t.len()).sum();
        let cpu = cpu_seconds();
        let mut n = 0usize;
        let mut sum = 0usize;
        for t in &texts {
            inquest::search::tokenize::each(t, |_, _, term| {
                n += 1;
                sum += term.len();
            });
        }
        println!(
            "tokenize only: {n} tokens ({sum} bytes) of {:.1} MB in {:.2} s",
            bytes as f64 / 1e6,
            cpu_seconds() - cpu
        );
        let cpu = cpu_seconds();
        let mut map: std::collections::HashMap<Box<str>, u32> = Default::default();
        for t in &texts {
            inquest::search::tokenize::each(t, |_, _, term| {
                if let Some(c) = map.get_mut(term) {
                    *c += 1;
                } else {
                    map.insert(term.into(), 1);
                }
            });
        }
        println!(
            "tokenize and count (SipHash map): {} terms in {:.2} s",
            map.len(),
            cpu_seconds() - cpu
        );
        // Postings as the indexer keeps them.
        #[derive(Clone, Copy)]
        struct Raw {
            doc: u32,
            body: u16,
        }
        let cpu = cpu_seconds();
        let mut ids: std::collections::HashMap<Box<str>, u32> = Default::default();
        let mut postings: Vec<Vec<Raw>> = Vec::new();
        for (d, t) in texts.iter().enumerate() {
            let d = d as u32;
            inquest::search::tokenize::each(t, |_, _, term| {
                let id = match ids.get(term) {
                    Some(&i) => i as usize,
                    None => {
                        ids.insert(term.into(), postings.len() as u32);
                        postings.push(Vec::new());
                        postings.len() - 1
                    }
                };
                let list = &mut postings[id];
                if list.last().map_or(true, |r| r.doc != d) {
                    list.push(Raw { doc: d, body: 0 });
                }
                let r = list.last_mut().unwrap();
                r.body = r.body.saturating_add(1);
            });
        }
        let n: usize = postings.iter().map(Vec::len).sum();
        println!(
            "tokenize into postings: {n} postings in {:.2} s",
            cpu_seconds() - cpu
        );
        // Per document first: a small map of the document's own terms, then one lookup per
        // distinct term.
        let cpu = cpu_seconds();
        let mut ids: std::collections::HashMap<Box<str>, u32> = Default::default();
        let mut postings: Vec<Vec<Raw>> = Vec::new();
        let mut local: std::collections::HashMap<String, u16> = Default::default();
        for (d, t) in texts.iter().enumerate() {
            let d = d as u32;
            local.clear();
            inquest::search::tokenize::each(t, |_, _, term| {
                if let Some(c) = local.get_mut(term) {
                    *c = c.saturating_add(1);
                } else {
                    local.insert(term.to_string(), 1);
                }
            });
            for (term, &c) in &local {
                let id = match ids.get(term.as_str()) {
                    Some(&i) => i as usize,
                    None => {
                        ids.insert(term.as_str().into(), postings.len() as u32);
                        postings.push(Vec::new());
                        postings.len() - 1
                    }
                };
                postings[id].push(Raw { doc: d, body: c });
            }
        }
        let n: usize = postings.iter().map(Vec::len).sum();
        println!(
            "per document first: {n} postings in {:.2} s",
            cpu_seconds() - cpu
        );
    }
    let size = |pred: &dyn Fn(&str) -> bool| -> (usize, usize) {
        files
            .iter()
            .filter(|(p, _)| pred(p))
            .fold((0, 0), |(n, b), (_, bytes)| (n + 1, b + bytes.len()))
    };
    let n = site.archive.incidents.len();
    println!("postmortems: {n}");
    println!("whole build in memory (with index): {whole:.2?}");
    println!(
        "search index alone (best of {runs}): {index_time:.2?} wall, {index_cpu:.2} s of processor time ({} threads)",
        rayon::current_num_threads()
    );
    println!(
        "heap: {:.0} MB held by the loaded site, at most {:.0} MB more while indexing",
        live_before as f64 / 1e6,
        (counting::PEAK.load(Relaxed) - live_before) as f64 / 1e6
    );
    for (label, pred) in [
        (
            "all search files",
            &(|_: &str| true) as &dyn Fn(&str) -> bool,
        ),
        ("dictionary chunks (t/)", &|p: &str| p.contains("/t/")),
        ("fragments (doc/)", &|p: &str| p.contains("/doc/")),
        ("facets (f/)", &|p: &str| p.contains("/f/")),
        ("durations (d/)", &|p: &str| p.contains("/d/")),
        ("manifest.json", &|p: &str| p.ends_with("manifest.json")),
        ("engine.js", &|p: &str| p.ends_with("engine.js")),
    ] {
        let (count, bytes) = size(pred);
        println!("{label}: {count} files, {:.1} KB", bytes as f64 / 1024.0);
    }
    let mut chunks: Vec<usize> = files
        .iter()
        .filter(|(p, _)| p.contains("/t/"))
        .map(|(_, b)| b.len())
        .collect();
    chunks.sort_unstable();
    if !chunks.is_empty() {
        println!(
            "chunk sizes (gzip): min {:.1} KB, median {:.1} KB, max {:.1} KB",
            chunks[0] as f64 / 1024.0,
            chunks[chunks.len() / 2] as f64 / 1024.0,
            chunks[chunks.len() - 1] as f64 / 1024.0
        );
    }
    // Fragments one per file, or in groups (gzip level 1, as the fragments): what a first
    // page of ten results would cost when its results are scattered (relevance order), each
    // from a different group.
    let fragments: Vec<Vec<u8>> = files
        .iter()
        .filter(|(p, _)| p.contains("/doc/"))
        .map(|(_, b)| {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&b[..]), &mut out)
                .unwrap();
            out
        })
        .collect();
    if std::env::var_os("GZIP_LEVELS").is_some() {
        let chunks_raw: Vec<Vec<u8>> = files
            .iter()
            .filter(|(p, _)| p.contains("/t/"))
            .map(|(_, b)| {
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&b[..]), &mut out)
                    .unwrap();
                out
            })
            .collect();
        for (label, set) in [("fragments", &fragments), ("chunks", &chunks_raw)] {
            let raw: usize = set.iter().map(Vec::len).sum();
            for level in [2, 4, 5, 6] {
                let cpu = cpu_seconds();
                let size: usize = set
                    .iter()
                    .map(|f| {
                        let mut enc = flate2::write::GzEncoder::new(
                            Vec::new(),
                            flate2::Compression::new(level),
                        );
                        std::io::Write::write_all(&mut enc, f).unwrap();
                        enc.finish().unwrap().len()
                    })
                    .sum();
                println!(
                    "gzip {label} ({:.1} MB) at level {level}: {:.1} KB, {:.2} s of processor time",
                    raw as f64 / 1e6,
                    size as f64 / 1024.0,
                    cpu_seconds() - cpu
                );
            }
        }
    }
    let per_doc: usize = files
        .iter()
        .filter(|(p, _)| p.contains("/doc/"))
        .map(|(_, b)| b.len())
        .sum();
    if !fragments.is_empty() {
        println!(
            "ten scattered results, one file each: {:.1} KB",
            per_doc as f64 / fragments.len() as f64 * 10.0 / 1024.0
        );
        for group in [4, 8, 16] {
            let total: usize = fragments
                .chunks(group)
                .map(|g| {
                    let mut enc =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(1));
                    for f in g {
                        std::io::Write::write_all(&mut enc, f).unwrap();
                    }
                    enc.finish().unwrap().len()
                })
                .sum();
            let groups = fragments.len().div_ceil(group);
            println!(
                "ten scattered results, groups of {group}: {:.1} KB",
                total as f64 / groups as f64 * 10.0 / 1024.0
            );
        }
    }
}

/// User and system time of this process so far (load on a shared machine stretches the
/// wall time, much less this).
fn cpu_seconds() -> f64 {
    #[cfg(unix)]
    // SAFETY: getrusage writes into the struct it is given.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
        return t(u.ru_utime) + t(u.ru_stime);
    }
    #[allow(unreachable_code)]
    0.0
}

/// A global allocator that counts live heap bytes and their peak.
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    pub static LIVE: AtomicUsize = AtomicUsize::new(0);
    pub static PEAK: AtomicUsize = AtomicUsize::new(0);

    pub struct Counting;

    // SAFETY: every call goes to the system allocator unchanged; only counters are added.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(live, Relaxed);
            System.alloc(layout)
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            LIVE.fetch_sub(layout.size(), Relaxed);
            System.dealloc(ptr, layout)
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            if new_size > layout.size() {
                let live =
                    LIVE.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
                PEAK.fetch_max(live, Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
            System.realloc(ptr, layout, new_size)
        }
    }
}

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;
