#!/usr/bin/env python3
"""Sustained Alertmanager webhook ingest: requests/s and latency percentiles of
`POST /api/v1/alerts` on loopback, measured with wrk against a release build of Backstop.

Every request is a real notification (Tests/Fixtures/alertmanager/firing.json, captured from
Alertmanager 0.25) with its own group key and alert fingerprints, so each one is a new durable
write to the SQLite intake record (synchronous=FULL) before its 200, and each is then triaged
(mapped to a configured asset, joined to its open incident) while the load goes on. At the end
the script checks that every request answered 200 is in the record, then removes its scratch
directory (a 30-s run's record is about 1 GB) unless --keep is given. With --postgres the intake
record is a real PostgreSQL (storage.postgres; a throwaway cluster started as the postgres user on
127.0.0.1, needs root), each notification a committed transaction under the table's chain lock.
With --fill SECONDS the same load runs that long first, unmeasured, so the figures are those of
a record that already holds its notifications. Usage:

    Benchmarks/webhook-ingest.py [--duration 30] [--connections 16] [--threads 2] [--no-build | --binary PATH] [--postgres] [--fill SECONDS] [--keep]

Needs wrk (apt-get install wrk).
"""
import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from benchlib import FlushProbe, fsync_latency_ms, host_cpu_times, steal_percent  # noqa: E402
from chaoslib.postgres import PASSWORD, PostgresCluster  # noqa: E402

TOKEN = "benchmark-webhook-token"

LUA = r"""
-- The template cut at each __ID__ once, so a request's body is one table.concat with its id
-- between the pieces: wrk shares the machine's cores with backstop, and a gsub over the 2 KB
-- body for every request cost it about half its CPU.
local template = io.open(os.getenv("BACKSTOP_BODY")):read("*a")
local pieces = {}
local from = 1
while true do
  local first, last = template:find("__ID__", from, true)
  if not first then
    pieces[#pieces + 1] = template:sub(from)
    break
  end
  pieces[#pieces + 1] = template:sub(from, first - 1)
  from = last + 1
end
local token = os.getenv("BACKSTOP_TOKEN")
local prefix = os.getenv("BACKSTOP_ID_PREFIX") or ""
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
function request()
  n = n + 1
  local id = prefix .. tid .. "-" .. n
  return wrk.format("POST", "/api/v1/alerts", headers, table.concat(pieces, id))
end
-- wrk counts answers of status 400 and above in errors.status, and the webhook answers 200 or
-- such an error, so requests minus errors.status were answered 200. No response() callback: wrk
-- would parse every answer's headers into a Lua table for it, on the cores backstop uses.
function done(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"errors_status\": %d, \"p50_us\": %d, \"p90_us\": %d, \"p99_us\": %d, \"max_us\": %d}\n",
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_wrk(port, script, env, duration, connections, threads=2, latency=False):
    """One wrk run of the ingest script against `port`: (wrk's output, the figures its done()
    printed: requests, errors_status, p50_us, p90_us, p99_us, max_us)."""
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", *(["--latency"] if latency else []), "-s", script,
         f"http://127.0.0.1:{port}/"], env=env, capture_output=True, text=True, check=True)
    return result.stdout, json.loads(re.search(r"^JSON (.*)$", result.stdout, re.M).group(1))


def body_template():
    """The captured notification, made unique per request: group key and fingerprints."""
    with open(os.path.join(ROOT, "Tests/Fixtures/alertmanager/firing.json")) as f:
        payload = json.load(f)
    payload["groupKey"] = payload["groupKey"].replace("}", ', n="__ID__"}', 1)
    for index, alert in enumerate(payload["alerts"]):
        alert["fingerprint"] = f"__ID__-{index}"
    return json.dumps(payload)


def post_burst(port, body_path, burst):
    """`burst` unique notifications from the template at `body_path`, as fast as 32 connections
    send them (wrk cannot stop at a count); exits the script unless every one is answered 200."""
    with open(body_path) as f:
        template = f.read()

    def send(index):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/alerts", data=template.replace("__ID__", f"storm-{index}").encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}, method="POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(send, range(burst)))
    if any(status != 200 for status in statuses):
        sys.exit("a storm notification was not answered 200")


def write_setup(work, port, storage):
    """A one-asset `serve` with the webhook on in `work`: its token, its configuration with
    `storage` (the YAML of the storage section) and the notification template wrk and the storm
    fill in. Returns (configuration path, body path)."""
    with open(os.path.join(work, "webhook-token"), "w") as f:
        f.write(TOKEN + "\n")
    config = os.path.join(work, "backstop.yml")
    with open(config, "w") as f:
        f.write(f"""listen: 127.0.0.1:{port}
{storage}
schedules: {{ nightly: {{ cron: "0 2 * * *" }} }}
diagnosis: {{ probes: false }}
assets:
  - {{ name: orders-db, schedule: nightly, backup: {{ path: backups/*.gz }} }}
webhook: {{ bearer_token_file: ./webhook-token }}
""")
    body = os.path.join(work, "body.json")
    with open(body, "w") as f:
        f.write(body_template())
    return config, body


def postgres_storage(work, database):
    """A throwaway PostgreSQL cluster in `work` with `database`, and the storage section for it."""
    os.chmod(work, 0o755)  # the postgres user reaches its cluster's directory inside
    cluster = PostgresCluster(free_port(), os.path.join(work, "postgres"))
    try:
        cluster.create_database(database)
        with open(os.path.join(work, "pg-password"), "w") as f:
            f.write(PASSWORD + "\n")
    except BaseException:
        cluster.destroy()
        raise
    return cluster, f"storage:\n  postgres: {{ url: \"{cluster.url(database)}\", password_file: ./pg-password }}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of load (default 30)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-build", action="store_true", help="use the existing .build/release/backstop")
    parser.add_argument("--binary", help="measure this backstop binary (no build)")
    parser.add_argument("--postgres", action="store_true", help="the intake record on a real PostgreSQL (as root)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (record, config, log)")
    parser.add_argument("--fill", type=int, default=0, metavar="SECONDS",
                        help="load this long first, unmeasured: the figures are then of a record that already holds "
                             "that many seconds of notifications (a mature record's dedup index no longer fits the cache)")
    args = parser.parse_args()

    binary = args.binary or os.path.join(ROOT, ".build/release/backstop")
    if not args.no_build and not args.binary:
        subprocess.run(["swift", "build", "-c", "release", "--product", "backstop"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="backstop-ingest-")
    port = free_port()
    cluster = None
    storage = "storage: { sqlite: ./data/backstop.db }"
    if args.postgres:
        cluster, storage = postgres_storage(work, "ingest")
    config, body = write_setup(work, port, storage)
    script = os.path.join(work, "ingest.lua")
    with open(script, "w") as f:
        f.write(LUA)

    server = subprocess.Popen([binary, "serve", "--config", config, "--log-level", "warning"],
                              stderr=open(os.path.join(work, "backstop.log"), "w"))
    try:
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    sys.exit("backstop did not start listening")
                time.sleep(0.1)
        env = dict(os.environ, BACKSTOP_BODY=body, BACKSTOP_TOKEN=TOKEN)
        filled = 0
        if args.fill:
            # Its own ids (wrk's thread numbers start again at 1): the measured run's notifications
            # are new, not repeats of the fill's.
            fill_env = dict(env, BACKSTOP_ID_PREFIX="fill-")
            _, fill_figures = run_wrk(port, script, fill_env, args.fill, args.connections, args.threads)
            filled = fill_figures["requests"] - fill_figures["errors_status"]
            print(f"fill: {filled} notifications answered 200 in {args.fill} s, not measured")
        fsync_ms = fsync_latency_ms(work)
        host_before = host_cpu_times()
        with FlushProbe(work) as probe:
            output, figures = run_wrk(port, script, env, args.duration, args.connections, args.threads, latency=True)
        steal = steal_percent(host_before, host_cpu_times())
        server.terminate()
        server.wait()
        print(output)
        stored, triaged = counts(work, cluster)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait()
        if cluster is not None:
            cluster.destroy()
    answered = figures["requests"] - figures["errors_status"]
    print(f"store: {'PostgreSQL' if args.postgres else 'SQLite'}; body: {os.path.getsize(body)} bytes, {args.connections} connections, {args.threads} wrk threads, {args.duration} s")
    print(f"requests/s: {figures['requests'] / args.duration:.0f}; unique notifications acknowledged/s: {answered / args.duration:.0f}")
    print(f"latency: p50 {figures['p50_us'] / 1000:.2f} ms, p90 {figures['p90_us'] / 1000:.2f} ms, "
          f"p99 {figures['p99_us'] / 1000:.2f} ms, max {figures['max_us'] / 1000:.2f} ms")
    print(f"answered 200: {answered}; in the intake record: {stored}; triaged by the end: {triaged}")
    # On a virtual machine, CPU time the hypervisor gave to other guests: with 22-38% of it, the
    # same build answered 3,300-5,400 notifications a second on this project's machine, against
    # 7,400-8,900 with 4-11% (2026-12-07).
    print(f"steal: {steal:.1f}% of the machine's CPU time went to other guests meanwhile; "
          f"fdatasync of 8 KiB just before: p50 {fsync_ms[0]:.2f} ms, p90 {fsync_ms[1]:.2f} ms")
    flush_p50, flush_p99, flush_max, flush_slow = probe.figures()
    if flush_p50 is not None:
        print(f"fdatasync of 8 KiB every 20 ms during the load: p50 {flush_p50:.2f} ms, p99 {flush_p99:.2f} ms, "
              f"max {flush_max:.2f} ms, {flush_slow} of {len(probe.times)} over {FlushProbe.SLOW_MS} ms")
    if stored < answered + filled:
        sys.exit(f"a notification answered 200 is missing from the record (kept in {work})")
    log = os.path.join(work, "backstop.log")
    if args.keep:
        print(f"scratch directory kept: {work}; backstop's log (warnings and errors): {log}")
        return
    with open(log, errors="replace") as f:
        lines = f.read().splitlines()
    print(f"backstop's log: {len(lines)} warning and error line(s)" + "".join(f"\n  {line[:200]}" for line in lines[:3]))
    shutil.rmtree(work, ignore_errors=True)


def counts(work, cluster):
    """(notifications stored, notifications triaged) in the intake record."""
    queries = ["SELECT COUNT(*) FROM alert_notifications", "SELECT COUNT(*) FROM triaged_runs WHERE run_id LIKE 'ntf_%'"]
    if cluster is not None:
        return tuple(int(cluster.psql(query, "ingest")) for query in queries)
    database = sqlite3.connect(os.path.join(work, "data/backstop.db"))
    return tuple(database.execute(query).fetchone()[0] for query in queries)


if __name__ == "__main__":
    main()
