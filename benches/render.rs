//! Markdown rendering throughput (MB/s): the generated corpus in `corpus.rs` through
//! structure recognition, pulldown-cmark and syntect, and syntect alone on code blocks of
//! the languages postmortems quote most.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use inquest::content;
use inquest::markdown::{self, RenderOptions};

#[path = "corpus.rs"]
mod corpus;
use corpus::corpus;

const CODE: &[(&str, &str)] = &[
    (
        "yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          image: registry.local/api:1.42.0\n          resources:\n            limits: {cpu: \"2\", memory: 1Gi}\n",
    ),
    (
        "sql",
        "SELECT pid, state, wait_event, now() - query_start AS age\nFROM pg_stat_activity\nWHERE state <> 'idle'\nORDER BY age DESC\nLIMIT 20;\n",
    ),
    (
        "bash",
        "for node in $(kubectl get nodes -o name); do\n  kubectl drain \"$node\" --ignore-daemonsets --timeout=120s || exit 1\ndone\n",
    ),
    (
        "json",
        "{\"error\": \"upstream connect error\", \"status\": 503, \"retry_after\": 30, \"region\": \"eu-west-1\"}\n",
    ),
];

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let parsed: Vec<content::Document> = docs
        .iter()
        .map(|(n, b)| content::parse(n, n, b).unwrap().0)
        .collect();
    let bytes: usize = parsed.iter().map(|d| d.body.len()).sum();
    let mut g = c.benchmark_group("render");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("corpus", |b| {
        b.iter(|| {
            for d in &parsed {
                std::hint::black_box(markdown::render(
                    &d.body,
                    d.kind,
                    None,
                    RenderOptions::default(),
                ));
            }
        })
    });
    let code_bytes: usize = CODE.iter().map(|(_, c)| c.len()).sum();
    g.throughput(Throughput::Bytes(code_bytes as u64));
    g.bench_function("highlight", |b| {
        b.iter(|| {
            for (lang, code) in CODE {
                std::hint::black_box(inquest::highlight::highlight(code, lang));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
