#!/usr/bin/env python3
"""Save-to-reload latency of `inquest serve` (issue 6's benchmark; not a test).

    python3 bench/reload.py SITE_DIR [--bin target/release/inquest] [--runs 10] [--settle 2]

Starts `inquest serve` on SITE_DIR (for example a corpus from
../shared/bench/gen_corpus.py with a site.toml), listens on its event stream, then edits
one postmortem RUNS times (a new title line each time, written like an editor's save:
a temporary file renamed over the original) and measures the time from the save to the
reload event that names the edited page. Prints each run, the median, and the server's
memory (resident now and peak) from /proc. Standard library only.
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS", "VmHWM")):
                k, v = line.split(":")
                out[k] = int(v.split()[0]) / 1024
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--bin", default="target/release/inquest")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument(
        "--settle",
        type=float,
        default=2,
        help="seconds to wait after start-up before the first save (the first search "
        "index is built in the background meanwhile)",
    )
    args = ap.parse_args()

    content = os.path.join(args.site, "content")
    files = sorted(
        os.path.join(d, f)
        for d, _, fs in os.walk(content)
        for f in fs
        if f.endswith((".md", ".txt"))
    )
    target = files[len(files) // 2]
    port = free_port()
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [args.bin, "serve", "--root", args.site, "--port", str(port)],
        stdout=open(os.environ.get("SERVE_LOG", os.devnull), "w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    sys.exit("inquest serve exited")
                time.sleep(0.05)
        print(f"{len(files)} postmortems; server up in {time.monotonic() - t0:.1f} s")
        ev = socket.create_connection(("127.0.0.1", port))
        ev.sendall(b"GET /__inquest/events HTTP/1.1\r\nHost: x\r\n\r\n")
        ev.settimeout(60)
        buf = b""
        time.sleep(args.settle)
        original = open(target, encoding="utf-8").read()
        times = []
        for run in range(args.runs):
            text = re.sub(
                r'(?m)^title = ".*"$',
                f'title = "Benchmark edit {run} {time.time_ns()}"',
                original,
                count=1,
            )
            if text == original:
                text = original + f"\n\nEdited {run} {time.time_ns()}.\n"
            tmp = target + ".tmp-save"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            start = time.monotonic()
            os.replace(tmp, target)
            slug_hit = None
            while slug_hit is None:
                chunk = ev.recv(65536)
                if not chunk:
                    sys.exit("event stream closed")
                buf += chunk
                while b"\n\n" in buf:
                    event, buf = buf.split(b"\n\n", 1)
                    if b"event: reload" in event and b"postmortems/" in event:
                        slug_hit = time.monotonic() - start
            times.append(slug_hit * 1000)
            print(f"run {run + 1}: reload event {times[-1]:.0f} ms after the save")
            time.sleep(0.5)
        with open(target, "w", encoding="utf-8") as f:
            f.write(original)
        mem = memory(proc.pid)
        print(
            f"median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, "
            f"max {max(times):.0f} ms over {len(times)} saves; server memory "
            f"{mem.get('VmRSS', 0):.0f} MiB resident, {mem.get('VmHWM', 0):.0f} MiB peak"
        )
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
