//! Extraction throughput (MB/s) over the generated corpus in `corpus.rs`, plus one
//! pathological single-line document, and over the real public postmortems of
//! `../shared/corpus` and `../shared/seeds` when they are beside the project (group
//! `extract/shared`; skipped in a clone without them).
//!
//! It runs with the allocator the `inquest` binary runs with (mimalloc, see `src/main.rs`),
//! so the figure is the extraction a build does.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use inquest::content;
use inquest::extract::{self, Defaults};

#[path = "corpus.rs"]
mod corpus;
use corpus::corpus;

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();
    let parsed = corpus::parse_all(&docs);
    let defaults = Defaults::default();
    let opts = defaults.options();
    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    g.bench_function("corpus", |b| {
        b.iter(|| {
            for d in &parsed {
                std::hint::black_box(extract::extract(d, &opts));
            }
        })
    });
    // One pathological line: many times, dates and percentages with no newline.
    let long = "from 10:00 to 11:00 on May 3, 2024 (UTC) 45% of users 2 hours, ".repeat(5000);
    let long_doc = content::parse("long.md", "long.md", long.as_bytes())
        .unwrap()
        .0;
    g.throughput(Throughput::Bytes(long.len() as u64));
    g.bench_function("one_long_line", |b| {
        b.iter(|| std::hint::black_box(extract::extract(&long_doc, &opts)))
    });
    let shared = shared_corpus();
    if !shared.is_empty() {
        let bytes: usize = shared.iter().map(|(_, b)| b.len()).sum();
        let parsed: Vec<content::Document> = shared
            .iter()
            .filter_map(|(n, b)| content::parse(n, n, b).ok().map(|d| d.0))
            .collect();
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function("shared", |b| {
            b.iter(|| {
                for d in &parsed {
                    std::hint::black_box(extract::extract(d, &opts));
                }
            })
        });
    }
    g.finish();
}

/// The postmortems of `../shared/corpus` and `../shared/seeds` (`.md` and `.txt`, not the
/// READMEs), when they are there.
fn shared_corpus() -> Vec<(String, Vec<u8>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let mut out = Vec::new();
    for dir in ["corpus", "seeds"] {
        for e in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
            let p = e.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let text = name.ends_with(".md") || name.ends_with(".txt");
            if e.file_type().is_file() && text && !name.eq_ignore_ascii_case("README.md") {
                if let Ok(b) = std::fs::read(p) {
                    out.push((name.to_string(), b));
                }
            }
        }
    }
    out.sort();
    out
}

criterion_group!(benches, bench);
criterion_main!(benches);
