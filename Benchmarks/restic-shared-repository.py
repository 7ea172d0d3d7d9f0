#!/usr/bin/env python3
"""Many assets on one restic repository: `backstop verify` of N assets (default 200) whose
snapshots share one real restic repository, with the restic calls counted per subcommand.

The goal is that the repository is listed (`restic snapshots`) and checked (`restic check`) once
per run however many assets it holds; each asset's snapshot is still measured (`restic stats`)
and the sampled ones restored. A shim named `restic` first on PATH logs each call's subcommand
and execs the real restic, so the counts are what Backstop really ran. Usage:

    Benchmarks/restic-shared-repository.py [--assets 200] [--runs 3] [--restores 5] [--binary PATH]

Builds a release Backstop unless --binary is given. Needs restic (scripts/install-test-deps).
"""
import argparse
import collections
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--restores", type=int, default=5, help="restore tests per run")
    parser.add_argument("--binary", help="a built backstop (default: build release)")
    args = parser.parse_args()

    restic = shutil.which("restic")
    if not restic:
        sys.exit("restic is not installed; run scripts/install-test-deps")
    binary = args.binary
    if not binary:
        subprocess.run(["swift", "build", "-c", "release", "--product", "backstop"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, ".build/release/backstop")

    work = tempfile.mkdtemp(prefix="backstop-restic-bench-")
    try:
        repository = os.path.join(work, "repo")
        password = os.path.join(work, "restic.pass")
        with open(password, "w") as f:
            f.write("benchmark\n")
        env = dict(os.environ, RESTIC_REPOSITORY=repository, RESTIC_PASSWORD_FILE=password,
                   RESTIC_CACHE_DIR=os.path.join(work, "cache"), TZ="UTC")
        subprocess.run([restic, "init", "--quiet"], env=env, check=True)
        # One snapshot per asset, tagged with its name, made inside today's window (00:00 UTC).
        stamp = time.strftime("%Y-%m-%d 00:30:00", time.gmtime())
        started = time.perf_counter()
        for index in range(args.assets):
            data = ("\n".join(f"{index},{row},order {row}" for row in range(2000)) + "\n").encode()
            subprocess.run([restic, "backup", "--quiet", "--stdin", "--stdin-filename", "orders.csv",
                            "--host", "bench", "--tag", f"asset-{index}", "--time", stamp],
                           input=data, env=env, check=True)
        print(f"made {args.assets} snapshots in {time.perf_counter() - started:.1f} s", file=sys.stderr)

        shim_dir = os.path.join(work, "shim")
        os.mkdir(shim_dir)
        calls = os.path.join(work, "calls.log")
        with open(os.path.join(shim_dir, "restic"), "w") as f:
            f.write(f"""#!/bin/sh
for a in "$@"; do case "$a" in -*) ;; *) echo "$a" >> {calls}; break;; esac; done
exec {restic} "$@"
""")
        os.chmod(os.path.join(shim_dir, "restic"), 0o755)

        assets = "\n".join(f"""  - name: asset-{i}
    schedule: daily
    backup:
      type: restic
      repository: {repository}
      password_file: {password}
      tags: [asset-{i}]
      max_age: 26h
    restore:
      validate: ["test", "-s", "{{scratch}}/orders.csv"]
      timeout: 2m""" for i in range(args.assets))
        config = os.path.join(work, "backstop.yml")
        with open(config, "w") as f:
            f.write(f"""listen: 127.0.0.1:0
storage: {{ sqlite: {work}/backstop.db }}
schedules:
  daily: {{ cron: "0 0 * * *", timezone: UTC, window: 1h, grace: 5m }}
restore_tests: {{ sample: {args.restores}, min: 1, scratch: {work}/scratch }}
assets:
{assets}
""")
        run_env = dict(os.environ, PATH=f"{shim_dir}:{os.environ['PATH']}")
        seconds, per_run = [], []
        for run in range(args.runs):
            if os.path.exists(calls):
                os.remove(calls)
            started = time.perf_counter()
            result = subprocess.run([binary, "verify", "--config", config, "--log-level", "warning"],
                                    env=run_env, capture_output=True, text=True)
            seconds.append(time.perf_counter() - started)
            if result.returncode != 0:
                sys.exit(f"backstop verify exited {result.returncode}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
            with open(calls) as f:
                per_run.append(collections.Counter(line.strip() for line in f))
        print(f"backstop verify, {args.assets} restic assets on one repository, {args.runs} runs, {args.restores} restore tests each")
        print(f"  wall time: median {statistics.median(seconds):.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f})")
        for subcommand in ["snapshots", "check", "stats", "restore"]:
            counts = [c[subcommand] for c in per_run]
            print(f"  restic {subcommand:<9} per run: {', '.join(map(str, counts))}")
        if any(c["snapshots"] != 1 or c["check"] != 1 for c in per_run):
            sys.exit("FAIL: the repository was listed or checked more than once in a run")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
