//! Extraction throughput (MB/s) over the generated corpus in `corpus.rs`, plus one
//! pathological single-line document.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use inquest::content;
use inquest::extract::{self, Defaults};

#[path = "corpus.rs"]
mod corpus;
use corpus::corpus;

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();
    let parsed: Vec<content::Document> = docs
        .iter()
        .map(|(n, b)| content::parse(n, n, b).unwrap().0)
        .collect();
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
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
