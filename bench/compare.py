#!/usr/bin/env python3
"""inquest against Hugo on the same generated archive (issue 8's benchmark; not a test).

    python3 bench/compare.py N [--runs 5] [--no-warmup] [--dir /tmp/inquest-bench-N] [--bin target/release/inquest]

Generates N postmortems with ../shared/bench/gen_corpus.py (deterministic), makes an
inquest site of them and a copy of ../shared/bench/sites/hugo with the same files, then
builds each RUNS times, alternating the two after one warm-up build each, so both see the
same machine state. Prints the median wall time, peak memory (resident, from
/usr/bin/time), pages per second, and the ratio inquest / Hugo. Hugo builds its site
(home, one page per postmortem, tag pages, highlighting); inquest builds everything it
does (pages, tag and service pages, statistics, history, feeds, calendar, incidents.json
and the search index). Needs `hugo` and GNU time (`apt-get install -y hugo time`).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "bench"))


def timed(cmd, cwd=None):
    """(wall seconds, peak MiB) of one run."""
    r = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M"] + cmd,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr}")
    wall, kb = r.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir")
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "inquest"))
    ap.add_argument("--shared", default=SHARED, help="the shared bench folder")
    ap.add_argument(
        "--no-warmup",
        action="store_true",
        help="skip the warm-up builds (for 100,000, where one build takes minutes)",
    )
    args = ap.parse_args()
    work = args.dir or f"/tmp/inquest-bench-{args.n}"
    site = os.path.join(work, "inquest")
    hugo = os.path.join(work, "hugo")
    corpus = os.path.join(site, "content", "postmortems")
    hugo_corpus = os.path.join(hugo, "content", "postmortems")

    def count(d):
        return len([f for f in os.listdir(d) if f.endswith(".md")]) if os.path.isdir(d) else 0

    if count(corpus) != args.n:
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run(
            [sys.executable, os.path.join(args.shared, "gen_corpus.py"), str(args.n), site],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with open(os.path.join(site, "site.toml"), "w") as f:
            f.write('title = "Postmortems"\nbase_url = "https://postmortems.example.com/"\n')
    if count(hugo_corpus) != args.n:
        # The Hugo site is a copy of the shared one with the same corpus (it may have been
        # deleted to save disk space: 100,000 postmortems take about 0.8 GB per copy).
        shutil.rmtree(hugo, ignore_errors=True)
        shutil.copytree(os.path.join(args.shared, "sites", "hugo"), hugo)
        shutil.copytree(corpus, hugo_corpus, dirs_exist_ok=True)
    commands = {
        "hugo": (["hugo", "--source", hugo, "--quiet"], None),
        "inquest": ([os.path.abspath(args.bin), "build", "--root", site], None),
    }
    results = {k: [] for k in commands}
    for name, (cmd, cwd) in commands.items():
        if not args.no_warmup:
            timed(cmd, cwd)  # warm-up: caches, first output
    for run in range(args.runs):
        for name, (cmd, cwd) in commands.items():
            wall, mib = timed(cmd, cwd)
            results[name].append((wall, mib))
            print(f"run {run + 1} {name:8} {wall:7.2f} s {mib:8.0f} MiB", file=sys.stderr)
    print(f"\n{args.n} postmortems, median of {args.runs} alternating runs\n")
    print("| generator | wall | peak memory | pages/s | ratio to Hugo |")
    print("| --- | --- | --- | --- | --- |")
    hugo_wall = statistics.median(w for w, _ in results["hugo"])
    for name in commands:
        wall = statistics.median(w for w, _ in results[name])
        mib = statistics.median(m for _, m in results[name])
        print(
            f"| {name} | {wall:.2f} s | {mib:.0f} MiB | {args.n / wall:,.0f} | {wall / hugo_wall:.2f}× |"
        )


if __name__ == "__main__":
    main()
