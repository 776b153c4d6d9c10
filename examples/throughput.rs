//! Extraction throughput in MB/s of CPU time (not wall time, so a busy machine does not
//! skew it) over the benchmark's generated corpus, or the files of a folder
//! (`throughput DIR [ROUNDS]`), with the allocator the `inquest` binary uses.

#[path = "../benches/corpus.rs"]
mod corpus;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use inquest::extract::{self, Defaults};

/// The process's CPU time in seconds, to the nanosecond (/proc/self/stat counts in 10 ms
/// ticks); elsewhere than Unix, wall time since the first call.
#[cfg(unix)]
fn cpu_seconds() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to write.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

#[cfg(not(unix))]
fn cpu_seconds() -> f64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
}

fn main() {
    // `throughput DIR [ROUNDS]` measures over the files of a folder instead.
    let arg = std::env::args().nth(1).unwrap_or_default();
    let docs = corpus::folder_or_generated(&arg);
    if std::env::args().any(|a| a == "stages") {
        return stages(&docs);
    }
    let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();
    let parsed = corpus::parse_all(&docs);
    let defaults = Defaults::default();
    let opts = defaults.options();
    let rounds = std::env::args()
        .skip(1)
        .find_map(|n| n.parse().ok())
        .unwrap_or(20);
    // Nine trials of `rounds` rounds each: on a shared machine the slow trials measure the
    // neighbours, so the best and the median trial are printed.
    let mut rates: Vec<f64> = (0..9)
        .map(|_| {
            let t0 = cpu_seconds();
            for _ in 0..rounds {
                for d in &parsed {
                    std::hint::black_box(extract::extract(d, &opts));
                }
            }
            (bytes * rounds) as f64 / 1e6 / (cpu_seconds() - t0).max(0.01)
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    println!(
        "{:.2} MB x {rounds} rounds, 9 trials: best {:.1} MB/s, median {:.1} MB/s, worst {:.1} MB/s of CPU time",
        bytes as f64 / 1e6,
        rates[8],
        rates[4],
        rates[0]
    );
}

/// Per-stage CPU time, to see where the time goes (`throughput stages`).
#[allow(dead_code)]
pub fn stages(docs: &[(String, Vec<u8>)]) {
    use inquest::extract::{actions, classify, duration, impact, lines, timeline, window};
    let parsed = corpus::parse_all(docs);
    let cfg = inquest::config::ExtractConfig::default();
    let mut t = [0.0f64; 8];
    for _ in 0..10 {
        for d in &parsed {
            let mut c = std::time::Instant::now();
            let mut lap = |i: usize| {
                t[i] += c.elapsed().as_secs_f64();
                c = std::time::Instant::now();
            };
            let ls = lines(&d.body, d.body_line);
            lap(0);
            std::hint::black_box(timeline::find(&ls));
            lap(1);
            let m = window::all_moments(&ls, &[]);
            std::hint::black_box(window::statement(&ls, &m, &[]));
            lap(2);
            std::hint::black_box(duration::stated(&ls));
            lap(3);
            std::hint::black_box(impact::find(&ls));
            lap(4);
            std::hint::black_box(classify::tags(&d.body, &ls, &cfg, "", None));
            lap(5);
            std::hint::black_box(actions::find(&ls));
            lap(6);
            let defaults = Defaults::default();
            lap(0);
            std::hint::black_box(extract::extract(d, &defaults.options()));
            lap(7);
        }
    }
    println!(
        "lines {:.3} timeline {:.3} window {:.3} duration {:.3} impact {:.3} tags {:.3} actions {:.3} | whole extract {:.3}",
        t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]
    );
}
