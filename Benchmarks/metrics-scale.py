#!/usr/bin/env python3
"""Backstop at many assets, whole process: `backstop verify` time and peak RSS, then `backstop
serve` on the same record: time to /-/ready, the time until its start-up verification of the
schedule's window is recorded ("settled"), then, in that steady state, /metrics size (plain and
gzip) and series count, and scrape latency p50/p99 with wrk (8 connections, `Accept-Encoding:
gzip` as Prometheus sends).

Each asset is one tiny gzip file with a sha256 sidecar, all on one schedule. The same binary is
measured at every size; to compare two builds, run the script once per binary with --binary.
Usage:

    Benchmarks/metrics-scale.py [--assets 1000,10000] [--binary PATH] [--duration 10]
                                [--verify-timeout 900] [--ready-timeout 120]

Without --binary it builds and uses .build/release/backstop. Needs wrk (apt-get install wrk)
for the latency figures and GNU time (/usr/bin/time) for peak RSS.
"""
import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import LATENCY_LUA, free_port  # noqa: E402

# As Prometheus scrapes: asking for gzip.
LUA = 'wrk.headers["Accept-Encoding"] = "gzip"\n' + LATENCY_LUA


def make_setup(work, assets, port):
    """N assets, each a ~100-byte gzip artifact with its sidecar, produced an hour ago."""
    produced = time.time() - 3600
    lines = []
    for index in range(assets):
        name = f"asset-{index:05d}"
        folder = os.path.join(work, "backups", name)
        os.makedirs(folder)
        artifact = os.path.join(folder, f"{name}.sql.gz")
        data = gzip.compress(f"-- dump of {name}\nSELECT 1;\n".encode(), mtime=0)
        with open(artifact, "wb") as f:
            f.write(data)
        with open(artifact + ".sha256", "w") as f:
            f.write(f"{hashlib.sha256(data).hexdigest()}  {name}.sql.gz\n")
        os.utime(artifact, (produced, produced))
        lines.append(f"  - {{ name: {name}, schedule: nightly, backup: {{ path: backups/{name}/*.gz, checksum: sidecar }} }}")
    config = os.path.join(work, "backstop.yml")
    with open(config, "w") as f:
        f.write(f"""listen: 127.0.0.1:{port}
storage: {{ sqlite: ./data/backstop.db }}
schedules: {{ nightly: {{ cron: "0 2 * * *" }} }}
diagnosis: {{ probes: false }}
assets:
""" + "\n".join(lines) + "\n")
    return config


def run_verify(binary, config, timeout):
    start = time.perf_counter()
    try:
        result = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "verify", "--config", config, "--log-level", "error"],
                                capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"verify failed ({result.returncode}): {result.stderr[-2000:]}")
    return elapsed, int(result.stderr.strip().splitlines()[-1]) * 1024


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, dict(response.headers), response.read()


def wait_window_verified(base, start, timeout):
    """Seconds from serve's start until every schedule has a recorded window verification
    (`backstop_window_runs_total` above 0) and its triage is done; None after `timeout`."""
    while time.perf_counter() - start < timeout:
        _, _, plain = get(base + "/metrics")
        runs = {}
        for line in plain.decode().splitlines():
            if line.startswith("backstop_window_runs_total{"):
                schedule = line.split('schedule="', 1)[1].split('"', 1)[0]
                runs[schedule] = runs.get(schedule, 0) + float(line.rsplit(" ", 1)[1])
        if runs and all(count > 0 for count in runs.values()):
            settled = time.perf_counter() - start
            # The recorded run's triage (a healthy run: one read and a mark) follows at once.
            time.sleep(2)
            return settled
        time.sleep(0.5)
    return None


def measure_serve(binary, config, work, port, duration, ready_timeout):
    figures = {}
    log = open(os.path.join(work, "serve.log"), "w")
    start = time.perf_counter()
    server = subprocess.Popen([binary, "serve", "--config", config, "--log-level", "warning"], stderr=log, stdout=log)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if get(base + "/-/ready")[0] == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() - start > ready_timeout:
                figures["ready_s"] = None
                return figures
            time.sleep(0.05)
        figures["ready_s"] = time.perf_counter() - start
        # `verify` recorded a manual run, so serve verifies the schedule's last window at start;
        # the scrape figures are of the steady state after it (while it runs, it takes a core).
        figures["settled_s"] = wait_window_verified(base, start, ready_timeout)
        if figures["settled_s"] is None:
            return figures
        _, _, plain = get(base + "/metrics")
        _, headers, compressed = get(base + "/metrics", {"Accept-Encoding": "gzip"})
        figures["plain_bytes"] = len(plain)
        figures["series"] = sum(1 for line in plain.split(b"\n") if line and not line.startswith(b"#"))
        if headers.get("Content-Encoding") == "gzip":
            figures["gzip_bytes"] = len(compressed)
            unpacked = gzip.decompress(compressed)
            strip = lambda text: [line for line in text.split(b"\n") if b"process_" not in line]
            if strip(unpacked) != strip(plain):
                sys.exit("the gzip body differs from the plain one")
        if shutil.which("wrk"):
            script = os.path.join(work, "scrape.lua")
            with open(script, "w") as f:
                f.write(LUA)
            result = subprocess.run(["wrk", "-t2", "-c8", f"-d{duration}s", "-s", script, base + "/metrics"],
                                    capture_output=True, text=True, check=True)
            line = next(line for line in result.stdout.splitlines() if line.startswith("JSON "))
            stats = json.loads(line[5:])
            figures.update(p50_ms=stats["p50_us"] / 1000, p99_ms=stats["p99_us"] / 1000,
                           rps=stats["requests"] / duration, non200=stats["non200"])
        with open(f"/proc/{server.pid}/status") as f:
            for line in f:
                if line.startswith(("VmHWM:", "VmRSS:")):
                    figures[line.split(":")[0]] = int(line.split()[1]) * 1024
        return figures
    finally:
        server.terminate()
        server.wait(timeout=30)


def show(value, unit="", scale=1.0, digits=1):
    return "—" if value is None else f"{value / scale:,.{digits}f}{unit}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", default="1000,10000", help="comma-separated asset counts")
    parser.add_argument("--binary", help="a backstop binary to measure (default: build release)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk load per size")
    parser.add_argument("--verify-timeout", type=int, default=900)
    parser.add_argument("--ready-timeout", type=int, default=120)
    args = parser.parse_args()

    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs GNU time: apt-get install time")
    binary = args.binary
    if binary is None:
        subprocess.run(["swift", "build", "-c", "release", "--product", "backstop"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, ".build/release/backstop")
    rows = []
    for assets in [int(n) for n in args.assets.split(",")]:
        work = tempfile.mkdtemp(prefix=f"backstop-scale-{assets}-")
        port = free_port()
        config = make_setup(work, assets, port)
        verify_s, verify_rss = run_verify(binary, config, args.verify_timeout)
        serve = measure_serve(binary, config, work, port, args.duration, args.ready_timeout) if verify_s else {}
        rows.append((assets, verify_s, verify_rss, serve))
        shutil.rmtree(work, ignore_errors=True)

    print(f"binary: {binary}")
    print(f"{'assets':>7} {'verify':>9} {'verify RSS':>11} {'ready':>8} {'settled':>8} {'/metrics':>10} {'gzip':>9} {'series':>8} "
          f"{'p50':>8} {'p99':>8} {'scrapes/s':>10} {'serve RSS':>10}")
    for assets, verify_s, verify_rss, serve in rows:
        print(f"{assets:>7} {show(verify_s, ' s'):>9} {show(verify_rss, ' MiB', 1 << 20):>11} "
              f"{show(serve.get('ready_s'), ' s', digits=2):>8} {show(serve.get('settled_s'), ' s', digits=1):>8} {show(serve.get('plain_bytes'), ' MB', 1e6, 3):>10} "
              f"{show(serve.get('gzip_bytes'), ' kB', 1e3, 0):>9} {show(serve.get('series'), '', digits=0):>8} "
              f"{show(serve.get('p50_ms'), ' ms', digits=2):>8} {show(serve.get('p99_ms'), ' ms', digits=2):>8} "
              f"{show(serve.get('rps'), '', digits=0):>10} {show(serve.get('VmRSS'), ' MiB', 1 << 20):>10}")


if __name__ == "__main__":
    main()
