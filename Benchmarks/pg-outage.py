#!/usr/bin/env python3
"""The PostgreSQL buffer (storage.postgres.buffer) under a steady webhook load: PostgreSQL is
stopped for a while (pg_ctl stop -m immediate), then started again, and the load goes on.

Starts a throwaway PostgreSQL and one `backstop serve` with a buffer, posts Alertmanager
notifications at a steady rate (each a different group, so none is a duplicate), stops
PostgreSQL for --outage seconds, starts it again, and measures how long the buffer takes to
drain (from the restart until /debug/healthz says depth 0) while the load continues. Then
checks that every acknowledged notification is in PostgreSQL exactly once. Prints one JSON line.

    Benchmarks/pg-outage.py [--outage 300] [--rate 20] [--bin .build/debug/backstop]
"""
import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import free_port  # noqa: E402
import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("replica_scale", os.path.join(os.path.dirname(os.path.abspath(__file__)), "replica-scale.py"))
replica_scale = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(replica_scale)

TOKEN = "bench-webhook-token"


def notification(index):
    return json.dumps({
        "receiver": "backstop", "status": "resolved", "groupKey": f"{{}}:{{job=\"bench-{index}\"}}", "version": "4",
        "truncatedAlerts": 0, "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am:9093",
        "alerts": [{"status": "resolved", "labels": {"alertname": "BenchAlert", "job": f"bench-{index}"}, "annotations": {},
                    "startsAt": "2026-11-23T02:00:00.000Z", "endsAt": "2026-11-23T02:05:00.000Z", "generatorURL": "",
                    "fingerprint": f"fp-{index}"}]}).encode()


class Load(threading.Thread):
    """Posts one notification every 1/rate seconds; counts answers by phase."""

    def __init__(self, url, rate):
        super().__init__(daemon=True)
        self.url, self.rate = url, rate
        self.phase = "before"
        self.counts = {}
        self.latencies = {}
        self.stop = threading.Event()
        self.index = 0

    def run(self):
        next_at = time.monotonic()
        while not self.stop.is_set():
            self.index += 1
            request = urllib.request.Request(self.url, data=notification(self.index), method="POST", headers={
                "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    status = answer.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            key = (self.phase, "acknowledged" if 200 <= status < 300 else "refused")
            self.counts[key] = self.counts.get(key, 0) + 1
            self.latencies.setdefault(self.phase, []).append(time.monotonic() - started)
            next_at += 1 / self.rate
            time.sleep(max(0, next_at - time.monotonic()))


def buffer_state(base):
    with urllib.request.urlopen(base + "/debug/healthz", timeout=30) as answer:
        body = answer.read().decode()
    return body


def health(base):
    try:
        return buffer_state(base)
    except urllib.error.HTTPError as error:  # 503 while PostgreSQL is down: the body still says it
        return error.read().decode()


def depth(base):
    match = re.search(r"(buffering|draining|idle), depth (\d+), drained (\d+)", health(base))
    return (match.group(1), int(match.group(2)), int(match.group(3))) if match else (None, -1, -1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outage", type=float, default=300, help="seconds PostgreSQL stays stopped")
    parser.add_argument("--rate", type=float, default=20, help="notifications per second, steady")
    parser.add_argument("--bin", default=".build/debug/backstop")
    args = parser.parse_args()
    args.bin = os.path.abspath(args.bin)
    directory = tempfile.mkdtemp(prefix="backstop-pg-outage-")
    os.chmod(directory, 0o755)
    pg_dir = os.path.join(directory, "pg")
    os.makedirs(pg_dir)
    binaries, data, pg_port = replica_scale.start_postgres(pg_dir)
    pg_log = os.path.join(pg_dir, "postgresql.log")
    process = None
    try:
        replica_scale.psql(pg_port, f"CREATE ROLE backstop LOGIN PASSWORD '{replica_scale.PASSWORD}'")
        replica_scale.psql(pg_port, "CREATE DATABASE backstop OWNER backstop")
        with open(os.path.join(directory, "pg-password"), "w") as f:
            f.write(replica_scale.PASSWORD + "\n")
        with open(os.path.join(directory, "webhook-token"), "w") as f:
            f.write(TOKEN + "\n")
        port = free_port()
        config = os.path.join(directory, "backstop.yml")
        with open(config, "w") as f:
            f.write(f"""listen: 127.0.0.1:{port}
storage:
  postgres:
    url: postgres://backstop@127.0.0.1:{pg_port}/backstop?sslmode=disable
    password_file: ./pg-password
    buffer: ./buffer.db
schedules: {{ daily: {{ cron: "0 0 * * *", timezone: UTC, window: 1h, grace: 1m }} }}
diagnosis: {{ probes: false }}
assets:
  - {{ name: bench-db, schedule: daily, backup: {{ path: backups/none-*.dump }} }}
webhook: {{ bearer_token_file: ./webhook-token }}
""")
        log = open(os.path.join(directory, "serve.log"), "w")
        process = __import__("subprocess").Popen([args.bin, "serve", "--config", config, "--log-level", "warning"], cwd=directory,
                                                 stdout=__import__("subprocess").DEVNULL, stderr=log)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/-/ready", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        load = Load(base + "/api/v1/alerts", args.rate)
        load.start()
        time.sleep(5)  # the load settles before the outage (a benchmark's pacing, not a test)

        load.phase = "outage"
        replica_scale.as_postgres([f"{binaries}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"])
        time.sleep(args.outage)
        _, peak, _ = depth(base)

        load.phase = "drain"
        replica_scale.as_postgres([f"{binaries}/pg_ctl", "-D", data, "-l", pg_log, "-w", "start"])
        restarted = time.monotonic()
        while True:
            state, waiting, drained = depth(base)
            if state == "idle" and waiting == 0:
                break
            if time.monotonic() - restarted > 1800:
                raise SystemExit("the buffer did not drain within 30 minutes")
            time.sleep(0.1)
        drain_seconds = time.monotonic() - restarted
        load.phase = "after"
        time.sleep(2)
        load.stop.set()
        load.join(timeout=60)
        time.sleep(2)  # the last answers' writes reach PostgreSQL (direct writes, no buffer now)
        acknowledged = sum(n for (phase, kind), n in load.counts.items() if kind == "acknowledged")
        stored = int(replica_scale.psql(pg_port, "SELECT COUNT(*) FROM alert_notifications", "backstop"))
        distinct = int(replica_scale.psql(pg_port, "SELECT COUNT(DISTINCT dedup_key) FROM alert_notifications", "backstop"))
        outage_latencies = sorted(load.latencies.get("outage", [0]))
        print(json.dumps({
            "outage_seconds": args.outage, "rate_per_second": args.rate,
            "acknowledged_during_outage": load.counts.get(("outage", "acknowledged"), 0),
            "refused_during_outage": load.counts.get(("outage", "refused"), 0),
            "buffer_depth_at_restart": peak, "drained_items": drained,
            "drain_seconds": round(drain_seconds, 1), "drain_items_per_second": round(drained / drain_seconds, 1) if drain_seconds else None,
            "acknowledged_total": acknowledged, "stored_in_postgres": stored, "distinct_dedup_keys": distinct,
            "outage_ack_latency_p50_ms": round(1000 * outage_latencies[len(outage_latencies) // 2], 1),
            "outage_ack_latency_max_ms": round(1000 * outage_latencies[-1], 1),
        }), flush=True)
    finally:
        if process:
            process.terminate()
            stopping = time.monotonic()
            try:
                process.wait(timeout=60)
                print(json.dumps({"serve_stop_seconds": round(time.monotonic() - stopping, 1)}), flush=True)
            except __import__("subprocess").TimeoutExpired:
                print(json.dumps({"serve_stop_seconds": None, "note": "serve did not stop within 60 s of SIGTERM; killed"}), flush=True)
                process.kill()
                process.wait()
        replica_scale.as_postgres([f"{binaries}/pg_ctl", "-D", data, "-m", "immediate", "stop"])
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
