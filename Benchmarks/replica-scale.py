#!/usr/bin/env python3
"""How long one scheduled window of N assets takes to verify with 1 and with 3 replicas of
`backstop serve` sharing one real PostgreSQL (storage.postgres), and whether each asset was
verified exactly once.

Starts a throwaway PostgreSQL (initdb as the postgres user, 127.0.0.1, a free port), writes N
small file backups with SHA-256 sidecars dated inside the last closed window of a daily schedule,
then for each replica count: a fresh database, the replicas started together, and the time until
every asset has one outcome of a scheduled run in the record. Prints one JSON line per count.

    Benchmarks/replica-scale.py [--assets 2000] [--replicas 1 3] [--bin .build/debug/backstop]
"""
import argparse
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import free_port  # noqa: E402

PASSWORD = "bench-password"


def as_postgres(argv, **kwargs):
    return subprocess.run(["setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--"] + argv,
                          check=True, capture_output=True, text=True, cwd="/", **kwargs)


def start_postgres(directory):
    binaries = next(d for d in ("/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin")
                    if os.path.exists(f"{d}/initdb"))
    data = os.path.join(directory, "data")
    port = free_port()
    shutil.chown(directory, "postgres", "postgres")
    as_postgres([f"{binaries}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"])
    with open(os.path.join(data, "postgresql.conf"), "a") as conf:
        conf.write(f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{directory}'\nmax_connections = 200\n")
    as_postgres([f"{binaries}/pg_ctl", "-D", data, "-l", os.path.join(directory, "postgresql.log"), "-w", "start"])
    return binaries, data, port


def psql(port, sql, database="postgres"):
    return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port),
                           "-U", "postgres", "-d", database, "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def write_backups(directory, count):
    now = datetime.datetime.now(datetime.timezone.utc)
    window = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if now < window + datetime.timedelta(hours=1, minutes=1):
        window -= datetime.timedelta(days=1)
    stamp = (window + datetime.timedelta(minutes=10)).timestamp()
    backups = os.path.join(directory, "backups")
    os.makedirs(backups)
    for index in range(count):
        path = os.path.join(backups, f"asset-{index}.dump")
        body = (f"-- dump of asset {index}\n" + "INSERT INTO t VALUES (1);\n" * 200).encode()
        with open(path, "wb") as f:
            f.write(body)
        with open(path + ".sha256", "w") as f:
            f.write(f"{hashlib.sha256(body).hexdigest()}  asset-{index}.dump\n")
        os.utime(path, (stamp, stamp))
        os.utime(path + ".sha256", (stamp, stamp))


def config(directory, port, pg_port, database, count):
    assets = "\n".join(
        f"  - {{ name: asset-{i}, schedule: daily, backup: {{ path: backups/asset-{i}.dump, checksum: sidecar }} }}"
        for i in range(count))
    path = os.path.join(directory, f"backstop-{database}-{port}.yml")
    with open(path, "w") as f:
        f.write(f"""listen: 127.0.0.1:{port}
storage:
  postgres:
    url: postgres://backstop@127.0.0.1:{pg_port}/{database}?sslmode=disable
    password_file: ./pg-password
schedules: {{ daily: {{ cron: "0 0 * * *", timezone: UTC, window: 1h, grace: 1m }} }}
diagnosis: {{ probes: false }}
verification: {{ concurrency: 4 }}
assets:
{assets}
""")
    return path


def trial(args, directory, pg_port, replicas):
    database = f"bench_{replicas}_{int(time.time())}"
    psql(pg_port, f"CREATE DATABASE {database} OWNER backstop")
    processes = []
    logs = []
    started = time.monotonic()
    for _ in range(replicas):
        log = open(os.path.join(directory, f"{database}-{len(processes)}.log"), "w")
        logs.append(log)
        processes.append(subprocess.Popen(
            [args.bin, "serve", "--config", config(directory, free_port(), pg_port, database, args.assets), "--log-level", "warning"],
            cwd=directory, stdout=subprocess.DEVNULL, stderr=log))
    query = ("SELECT COUNT(DISTINCT o.asset) || ' ' || COUNT(*) || ' ' || COUNT(DISTINCT r.id) "
             "FROM outcomes o JOIN runs r ON r.id = o.run_id WHERE r.trigger_kind = 'schedule' AND r.status != 'aborted'")
    try:
        while True:
            try:
                distinct, total, runs = (int(x) for x in psql(pg_port, query, database).split())
            except subprocess.CalledProcessError:  # tables not migrated yet
                distinct, total, runs = 0, 0, 0
            if distinct >= args.assets or time.monotonic() - started > args.limit:
                break
            time.sleep(0.2)
        seconds = time.monotonic() - started
        healthy = int(psql(pg_port, "SELECT COUNT(*) FROM outcomes WHERE state = 'healthy'", database))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        for log in logs:
            log.close()
    return {"replicas": replicas, "assets": args.assets, "seconds": round(seconds, 1), "verified_assets": distinct,
            "outcomes": total, "runs": runs, "healthy": healthy}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--bin", default=".build/debug/backstop")
    parser.add_argument("--limit", type=float, default=900, help="give up on a trial after this many seconds")
    args = parser.parse_args()
    args.bin = os.path.abspath(args.bin)
    directory = tempfile.mkdtemp(prefix="backstop-replica-scale-")
    os.chmod(directory, 0o755)
    pg_dir = os.path.join(directory, "pg")
    os.makedirs(pg_dir)
    binaries, data, pg_port = start_postgres(pg_dir)
    try:
        psql(pg_port, f"CREATE ROLE backstop LOGIN PASSWORD '{PASSWORD}'")
        with open(os.path.join(directory, "pg-password"), "w") as f:
            f.write(PASSWORD + "\n")
        write_backups(directory, args.assets)
        for replicas in args.replicas:
            print(json.dumps(trial(args, directory, pg_port, replicas)), flush=True)
    finally:
        as_postgres([f"{binaries}/pg_ctl", "-D", data, "-m", "immediate", "stop"])
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
