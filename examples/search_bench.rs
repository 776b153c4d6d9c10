//! Times the search index alone and reports its size, for the README's figures:
//! `cargo run --release --example search_bench -- SITE_DIR` (a site with `site.toml` and
//! `content/`, e.g. made by `gen_corpus.py`). The site is loaded once (which builds the index
//! as part of the pipeline), then the index is built again on its own and timed.

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
    let start = Instant::now();
    let files = inquest::search::index(&site.archive, &site.config.language).unwrap();
    let index_time = start.elapsed();
    let size = |pred: &dyn Fn(&str) -> bool| -> (usize, usize) {
        files
            .iter()
            .filter(|(p, _)| pred(p))
            .fold((0, 0), |(n, b), (_, bytes)| (n + 1, b + bytes.len()))
    };
    let n = site.archive.incidents.len();
    println!("postmortems: {n}");
    println!("whole build in memory (with index): {whole:.2?}");
    println!("search index alone: {index_time:.2?}");
    for (label, pred) in [
        (
            "all search files",
            &(|_: &str| true) as &dyn Fn(&str) -> bool,
        ),
        ("index chunks (index/)", &|p: &str| p.contains("/index/")),
        ("fragments (fragment/)", &|p: &str| p.contains("/fragment/")),
        ("filters (filter/)", &|p: &str| p.contains("/filter/")),
        ("metadata (.pf_meta)", &|p: &str| p.ends_with(".pf_meta")),
        ("wasm + pagefind.js", &|p: &str| {
            p.ends_with(".pagefind") || p.ends_with("pagefind.js")
        }),
    ] {
        let (count, bytes) = size(pred);
        println!("{label}: {count} files, {:.1} KB", bytes as f64 / 1024.0);
    }
    let largest_chunk = files
        .iter()
        .filter(|(p, _)| p.contains("/index/"))
        .map(|(_, b)| b.len())
        .max()
        .unwrap_or(0);
    println!(
        "largest index chunk: {:.1} KB",
        largest_chunk as f64 / 1024.0
    );
}
