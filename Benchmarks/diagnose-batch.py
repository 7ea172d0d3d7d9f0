#!/usr/bin/env python3
"""Throughput of `backstop diagnose --jsonl` on one core.

Builds a batch of N requests by cycling through the real tool outputs of the corpus
(Tests/Fixtures/tool-output, each with its tool and exit code), pins the process to one CPU with
taskset, and times the whole run: reading the JSON lines, classifying, writing one verdict per
line. Prints messages per second and checks that every request got exactly one verdict. The goal
is at least 10,000 messages/s on a release build:

    swift build -c release --product backstop
    Benchmarks/diagnose-batch.py --binary .build/release/backstop [--messages 50000] [--cpu 0]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests", "Fixtures", "tool-output")


def requests():
    with open(os.path.join(CORPUS, "expected.tsv"), encoding="utf-8") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle][1:]
    for row in rows:
        path, exit_code = row[0], row[2] if len(row) > 2 else ""
        with open(os.path.join(CORPUS, path), encoding="utf-8", errors="replace") as handle:
            request = {"text": handle.read(), "tool": path.split("/")[0]}
        if exit_code:
            request["exit_code"] = int(exit_code)
        yield json.dumps(request)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "backstop"))
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--cpu", default="0", help="CPU to pin to (taskset -c)")
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"no binary at {args.binary}: swift build -c release --product backstop first")
    corpus = list(requests())
    with tempfile.TemporaryDirectory() as scratch:
        batch = os.path.join(scratch, "batch.jsonl")
        with open(batch, "w", encoding="utf-8") as handle:
            for index in range(args.messages):
                handle.write(corpus[index % len(corpus)] + "\n")
        size = os.path.getsize(batch)
        argv = [args.binary, "diagnose", "--jsonl", batch]
        if shutil.which("taskset"):
            argv = ["taskset", "-c", args.cpu] + argv
        output = os.path.join(scratch, "verdicts.jsonl")
        started = time.perf_counter()
        with open(output, "w") as out, open(os.path.join(scratch, "stderr"), "w") as err:
            process = subprocess.Popen(argv, stdout=out, stderr=err)
            _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        cpu = usage.ru_utime + usage.ru_stime
        with open(output, encoding="utf-8") as handle:
            verdicts = handle.read().splitlines()
        with open(os.path.join(scratch, "stderr"), encoding="utf-8") as handle:
            stderr = handle.read()
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or len(verdicts) != args.messages:
        sys.exit(f"expected {args.messages} verdicts and exit 0, got {len(verdicts)} and {code}: {stderr[-500:]}")
    causes = {}
    for line in verdicts:
        cause = json.loads(line)["cause"]
        causes[cause] = causes.get(cause, 0) + 1
    # CPU time is what one core spent; wall time also counts waiting for a busy CPU.
    rate = args.messages / cpu
    print(f"{args.messages} messages ({size / 1e6:.1f} MB, {len(corpus)} distinct real outputs) pinned to CPU {args.cpu}: "
          f"{elapsed:.2f} s wall ({args.messages / elapsed:,.0f}/s), {cpu:.2f} s CPU: {rate:,.0f} messages per CPU-second (goal >= 10,000)")
    print("verdicts: " + ", ".join(f"{cause} {count}" for cause, count in sorted(causes.items())))
    sys.exit(0 if rate >= 10_000 else 1)


if __name__ == "__main__":
    main()
