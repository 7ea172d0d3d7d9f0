#!/usr/bin/env python3
"""Hashing throughput of `backstop checksum` against `openssl dgst -sha256` and `sha256sum`.

Builds Backstop in release mode, writes a test file (default 1 GiB of random bytes), warms the
page cache, then runs each tool N times on the same file in the same run and reports the best
MB/s and the peak RSS of each (from wait4's rusage). Usage:

    Benchmarks/hash-throughput.py [--size-mib 1024] [--runs 3] [--file PATH]
"""
import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(argv):
    """Runs argv under GNU time (a fork of this Python would report Python's RSS) and returns
    (seconds, peak RSS bytes, digest)."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{argv[0]} failed: {result.stderr}")
    peak_kib = int(result.stderr.strip().splitlines()[-1])
    digest = result.stdout.split()[-1] if argv[0].endswith("openssl") else result.stdout.split()[0]
    return elapsed, peak_kib * 1024, digest


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", default="/var/tmp/backstop-hash-bench.bin")
    args = parser.parse_args()

    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs GNU time: apt-get install time")
    subprocess.run(["swift", "build", "-c", "release", "--product", "backstop"], cwd=ROOT, check=True)
    backstop = os.path.join(ROOT, ".build", "release", "backstop")
    size = args.size_mib << 20
    if not os.path.exists(args.file) or os.path.getsize(args.file) != size:
        with open(args.file, "wb") as handle:
            for _ in range(args.size_mib):
                handle.write(os.urandom(1 << 20))
    with open(args.file, "rb") as handle:  # warm the page cache so every tool reads from memory
        while handle.read(16 << 20):
            pass

    tools = {
        "backstop checksum": [backstop, "checksum", args.file],
        "openssl dgst -sha256": ["/usr/bin/openssl", "dgst", "-sha256", args.file],
        "sha256sum": ["sha256sum", args.file],
    }
    results = {}
    for _ in range(args.runs):
        for name, argv in tools.items():
            elapsed, rss, digest = run(argv)
            best = results.get(name)
            if best is None or elapsed < best[0]:
                results[name] = (elapsed, rss, digest)
    digests = {result[2] for result in results.values()}
    if len(digests) != 1:
        sys.exit(f"tools disagree on the digest: {results}")
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"file: {args.size_mib} MiB, best of {args.runs} runs, page cache warm; CPU: {cpu}")
    print(f"{'tool':<22} {'MB/s':>8} {'seconds':>8} {'peak RSS':>10}")
    for name, (elapsed, rss, _) in results.items():
        print(f"{name:<22} {size / elapsed / 1e6:>8.0f} {elapsed:>8.2f} {rss / (1 << 20):>8.1f} MiB")


if __name__ == "__main__":
    main()
