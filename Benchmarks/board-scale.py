#!/usr/bin/env python3
"""The status board at 10,000 assets, whole process: `backstop verify` runs a few times on N
assets (each run corrupts a few more artifacts, so there are failures, causes and history), then
`backstop serve` on that record answers the board's pages under load from wrk: `/` (page 1,
failing first), a filter by state, a name search, a deep page, and an asset page. Reported:
latency p50/p99/max per URL (wrk, 2 connections, so p99 is the page time, not queueing).
`serve` first verifies the windows the manual runs did not (catch-up); the load starts once the
record has been still for 10 s, so the figures are the board's, not a verification's.

    Benchmarks/board-scale.py [--assets 10000] [--runs 3] [--binary PATH] [--duration 10] [--work DIR]

Without --binary it builds and uses .build/release/backstop. Needs wrk (apt-get install wrk).
--work DIR keeps the setup and its record in DIR, and reuses them when DIR already has them, so
two builds (debug and release, before and after a change) are measured on the same record
without paying for the verification runs again (a debug build takes minutes per run).
The issue's budget is 100 ms per page at 10,000 assets.
"""
import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import LATENCY_LUA, free_port  # noqa: E402

LUA = LATENCY_LUA


def artifact_of(work, index):
    name = f"asset-{index:05d}"
    return name, os.path.join(work, "backups", name, f"{name}.sql.gz")


def make_setup(work, assets, port):
    """N assets (two kinds, two schedules), each a tiny gzip artifact with its sidecar."""
    produced = time.time() - 3600
    lines = []
    for index in range(assets):
        name, artifact = artifact_of(work, index)
        os.makedirs(os.path.dirname(artifact))
        data = gzip.compress(f"-- dump of {name}\nSELECT 1;\n".encode(), mtime=0)
        with open(artifact, "wb") as f:
            f.write(data)
        with open(artifact + ".sha256", "w") as f:
            f.write(f"{hashlib.sha256(data).hexdigest()}  {name}.sql.gz\n")
        os.utime(artifact, (produced, produced))
        kind = "database" if index % 2 else "volume"
        schedule = "nightly" if index % 3 else "hourly"
        lines.append(f"  - {{ name: {name}, kind: {kind}, schedule: {schedule}, "
                     f"backup: {{ path: backups/{name}/*.gz, checksum: sidecar }} }}")
    config = os.path.join(work, "backstop.yml")
    with open(config, "w") as f:
        f.write(f"""listen: 127.0.0.1:{port}
storage: {{ sqlite: ./data/backstop.db }}
schedules: {{ nightly: {{ cron: "0 2 * * *" }}, hourly: {{ cron: "0 * * * *" }} }}
diagnosis: {{ probes: false }}
assets:
""" + "\n".join(lines) + "\n")
    return config


def corrupt(work, indices):
    for index in indices:
        _, artifact = artifact_of(work, index)
        stat = os.stat(artifact)
        with open(artifact, "r+b") as f:
            f.seek(5)
            f.write(b"\xff\xff\xff")
        os.utime(artifact, (stat.st_atime, stat.st_mtime))


def get(url):
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.status, response.read()


def measure(binary, config, work, port, duration, urls):
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen([binary, "serve", "--config", config, "--log-level", "info"], stderr=log, stdout=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                if get(base + "/-/ready")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                sys.exit("serve did not become ready in 120 s")
            time.sleep(0.1)
        # Wait for the catch-up verification: every run started has finished, for 10 s.
        still_since = time.time()
        while time.time() - still_since < 10:
            with open(os.path.join(work, "serve.log")) as f:
                text = f.read()
            if text.count("verification started") != text.count("verification finished"):
                still_since = time.time()
            time.sleep(1)
        script = os.path.join(work, "board.lua")
        with open(script, "w") as f:
            f.write(LUA)
        rows = []
        for url in urls:
            status, body = get(base + url)
            if status != 200:
                sys.exit(f"{url} answered {status}")
            result = subprocess.run(["wrk", "-t1", "-c2", f"-d{duration}s", "-s", script, base + url],
                                    capture_output=True, text=True, check=True)
            stats = json.loads(next(l for l in result.stdout.splitlines() if l.startswith("JSON "))[5:])
            rows.append((url, len(body), stats))
            print(f"{url}: p50 {stats['p50_us'] / 1000:.1f} ms, p99 {stats['p99_us'] / 1000:.1f} ms", flush=True)
        return rows
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="verification runs before serving (history)")
    parser.add_argument("--binary", help="a backstop binary to measure (default: build release)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk load per URL")
    parser.add_argument("--work", help="keep the setup and record here; reuse them if present")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("needs wrk: apt-get install wrk")
    binary = args.binary
    if binary is None:
        subprocess.run(["swift", "build", "-c", "release", "--product", "backstop"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, ".build/release/backstop")
    work = args.work or tempfile.mkdtemp(prefix=f"backstop-board-{args.assets}-")
    reuse = args.work is not None and os.path.exists(os.path.join(work, "data", "backstop.db"))
    try:
        port = free_port()
        if reuse:
            config = os.path.join(work, "backstop.yml")
            with open(config) as f:
                text = f.read()
            with open(config, "w") as f:
                f.write(re.sub(r"^listen: .*$", f"listen: 127.0.0.1:{port}", text, count=1, flags=re.MULTILINE))
            print(f"reusing the setup and record in {work}")
        else:
            os.makedirs(work, exist_ok=True)
            config = make_setup(work, args.assets, port)
        for run in range(0 if reuse else args.runs):
            # Each run corrupts another 1 % of the artifacts: failures with a cause, and history.
            corrupt(work, range(run * args.assets // 100, (run + 1) * args.assets // 100))
            start = time.perf_counter()
            result = subprocess.run([binary, "verify", "--config", config, "--log-level", "error"], capture_output=True, text=True)
            if result.returncode not in (0, 1):
                sys.exit(f"verify failed ({result.returncode}): {result.stderr[-2000:]}")
            print(f"verify run {run + 1}: {time.perf_counter() - start:.1f} s", flush=True)
        last = f"asset-{args.assets - 1:05d}"
        urls = ["/", "/?state=failing", "/?q=asset-09&kind=database", f"/?page={max(1, args.assets // 100)}",
                f"/assets/{last}"]
        rows = measure(binary, config, work, port, args.duration, urls)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"binary: {binary}; {args.assets} assets, {args.runs} runs")
    print(f"{'url':<32} {'bytes':>8} {'requests':>9} {'p50':>9} {'p99':>9} {'max':>9} {'non-200':>8}")
    for url, size, stats in rows:
        print(f"{url:<32} {size:>8} {stats['requests']:>9} {stats['p50_us'] / 1000:>7.1f}ms {stats['p99_us'] / 1000:>7.1f}ms "
              f"{stats['max_us'] / 1000:>7.1f}ms {stats['non200']:>8}")


if __name__ == "__main__":
    main()
