//! Instruction counts of extraction, which repeat exactly from run to run where timings on a
//! shared machine do not: one warm-up round over the documents, then `ROUNDS` measured
//! rounds inside `measured`, for callgrind to count alone:
//!
//! ```text
//! cargo build --release --example callgrind
//! valgrind --tool=callgrind --toggle-collect='callgrind::measured' \
//!     target/release/examples/callgrind [DIR] [ROUNDS]
//! ```
//!
//! `DIR` holds the documents (default: the generated corpus of `benches/corpus.rs`);
//! `ROUNDS` defaults to 4. With `DUMP=dir` set, it writes the generated corpus there instead.
#[path = "../benches/corpus.rs"]
mod corpus;
use inquest::content;
use inquest::extract::{self, Defaults};

/// The allocator the `inquest` binary runs with (see `src/main.rs`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[inline(never)]
fn measured(parsed: &[content::Document], opts: &extract::Options, rounds: usize) {
    for _ in 0..rounds {
        for d in parsed {
            std::hint::black_box(extract::extract(d, opts));
        }
    }
}

fn main() {
    if let Some(dir) = std::env::var_os("DUMP") {
        for (n, b) in corpus::corpus() {
            let i: usize = n.split('.').next().unwrap().parse().unwrap();
            let sub = std::path::Path::new(&dir).join(["md", "txt", "table"][i % 3]);
            std::fs::create_dir_all(&sub).unwrap();
            std::fs::write(sub.join(&n), b).unwrap();
        }
        return;
    }
    let arg = std::env::args().nth(1).unwrap_or_default();
    let docs = corpus::folder_or_generated(&arg);
    let parsed = corpus::parse_all(&docs);
    let defaults = Defaults::default();
    let opts = defaults.options();
    measured(&parsed[..0], &opts, 0);
    for d in &parsed {
        std::hint::black_box(extract::extract(d, &opts));
    }
    let rounds = std::env::args()
        .skip(1)
        .find_map(|n| n.parse().ok())
        .unwrap_or(4);
    measured(&parsed, &opts, rounds);
    let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();
    eprintln!("{} docs, {} bytes, {} rounds", parsed.len(), bytes, rounds);
}
