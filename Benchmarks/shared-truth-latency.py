#!/usr/bin/env python3
"""How long a running `backstop serve` takes to show what another process appended to the record.

Starts `serve` on a one-asset installation, then alternates: the backup appears and a CLI
`backstop verify` records it healthy; the backup disappears and `verify` records it missing.
For each `verify` the script notes when its run is committed (it watches the SQLite record) and
then polls serve's `/metrics` every 10 ms until `backstop_backup_up` and `backstop_incidents_open`
say the same as the record (healthy: up 1, no open incident; missing: up 0, one open incident,
which only serve's triage of the CLI's run can open). Prints each latency and the summary.

    Benchmarks/shared-truth-latency.py [--runs 10] [--bin .build/debug/backstop]
"""
import argparse
import datetime
import os
import socket
import sqlite3
import statistics
import subprocess
import tarfile
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return response.read().decode()


def runs(db):
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            return connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def wait(condition, limit, step):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(step)
    raise SystemExit("timed out")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/debug/backstop"))
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="backstop-truth-")
    port = free_port()
    config = os.path.join(directory, "backstop.yml")
    with open(config, "w") as f:
        f.write(f"""listen: 127.0.0.1:{port}
storage: {{ sqlite: ./data/backstop.db }}
schedules: {{ daily: {{ cron: "0 0 * * *", timezone: UTC, window: 1h, grace: 1m }} }}
diagnosis: {{ probes: false }}
assets:
  - {{ name: orders-db, schedule: daily, backup: {{ path: backups/orders-db-*.tar.gz }} }}
""")
    os.makedirs(os.path.join(directory, "backups"))
    backup = os.path.join(directory, "backups/orders-db-1.tar.gz")
    dump = os.path.join(directory, "dump.sql")
    with open(dump, "w") as f:
        f.write("INSERT INTO t VALUES (1);\n")
    midnight = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=30, second=0, microsecond=0)
    db = os.path.join(directory, "data/backstop.db")
    serve = subprocess.Popen([args.bin, "serve", "--config", config, "--log-level", "warning"], stderr=subprocess.DEVNULL)
    try:
        # serve verifies the window at start: missing, one incident.
        wait(lambda: os.path.exists(db) and runs(db) >= 1, 60, 0.05)
        wait(lambda: "\nbackstop_incidents_open 1" in metrics(port), 30, 0.05)
        latencies = []
        for n in range(args.runs):
            healthy = n % 2 == 0
            if healthy:
                with tarfile.open(backup, "w:gz") as tar:
                    tar.add(dump, arcname="dump.sql")
                os.utime(backup, (midnight.timestamp(), midnight.timestamp()))
            else:
                os.remove(backup)
            before = runs(db)
            verify = subprocess.Popen([args.bin, "verify", "--config", config, "--log-level", "critical"], stdout=subprocess.DEVNULL)
            committed = wait(lambda: runs(db) > before, 60, 0.002)
            up = f'backstop_backup_up{{asset="orders-db",schedule="daily"}} {"1" if healthy else "0"}'
            open_ = f"\nbackstop_incidents_open {0 if healthy else 1}"
            shown = wait(lambda: (lambda text: up in text and open_ in text)(metrics(port)), 10, 0.01)
            verify.wait()
            latencies.append(shown - committed)
            print(f"verify {n + 1} ({'healthy' if healthy else 'missing'}): serve in step {1000 * (shown - committed):.0f} ms after the commit")
        print(f"runs {len(latencies)}: median {1000 * statistics.median(latencies):.0f} ms, "
              f"max {1000 * max(latencies):.0f} ms, min {1000 * min(latencies):.0f} ms")
    finally:
        serve.terminate()
        serve.wait()


if __name__ == "__main__":
    main()
