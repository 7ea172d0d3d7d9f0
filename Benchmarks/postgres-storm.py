#!/usr/bin/env python3
"""An alert storm on a PostgreSQL store: how fast the triage drains it.

Starts a throwaway PostgreSQL (as the postgres user on 127.0.0.1, needs root) and one
`backstop serve` on it with one asset, posts --burst unique Alertmanager notifications as fast as
32 connections send them (the same requests as scripts/bench's storm), then waits until every
stored notification carries its triage mark. Prints how long the posting took, how many were
still untriaged when it ended, and the time until the last was triaged; the drain rate is the
second figure over the time after posting.

    Benchmarks/postgres-storm.py --binary .build/release/backstop [--burst 3000]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.machinery import SourceFileLoader

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
bench = SourceFileLoader("bench", os.path.join(ROOT, "scripts", "bench")).load_module()
ingest = bench.ingest


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the backstop binary (a release build for figures)")
    parser.add_argument("--burst", type=int, default=3000, help="notifications in the storm")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="backstop-pgstorm-")
    port = bench.scale.free_port()
    cluster, storage = ingest.postgres_storage(work, "storm")
    try:
        config, body = ingest.write_setup(work, port, storage)
        with open(os.path.join(work, "serve.log"), "w") as log:
            server = subprocess.Popen(
                [args.binary, "serve", "--config", config, "--log-level", "warning"],
                cwd=work, stdout=log, stderr=log)
        try:
            bench.wait_ready(port)
            start = time.perf_counter()
            bench.post_burst(port, body, args.burst)
            posted = time.perf_counter() - start

            def count(sql):
                return int(cluster.psql(sql, "storm"))

            stored = count("SELECT COUNT(*) FROM alert_notifications")
            triaged_sql = "SELECT COUNT(*) FROM triaged_runs WHERE run_id LIKE 'ntf_%'"
            untriaged = stored - count(triaged_sql)
            # Polling the record is the measurement itself: the drain has no other signal outside.
            while count(triaged_sql) < stored:
                if time.perf_counter() - start > 600:
                    sys.exit("the storm was not triaged within 600 s")
                time.sleep(0.1)
            drained = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=60)
        rate = untriaged / (drained - posted) if drained > posted else float("inf")
        print(f"storm of {args.burst} on PostgreSQL: posted in {posted:.2f} s, {untriaged} untriaged then, "
              f"all triaged at {drained:.2f} s: the backlog drained at {rate:.0f}/s")
    finally:
        cluster.destroy()
    # Only a run that finished is cleaned up (after the cluster inside it stopped); a failed one
    # keeps serve.log to read.
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
