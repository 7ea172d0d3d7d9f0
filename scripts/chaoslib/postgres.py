"""A throwaway PostgreSQL cluster on 127.0.0.1 and a free port, as the Swift tests start one
(Sources/BackstopTesting/PostgresServer.swift): `initdb` and `pg_ctl` as the `postgres` user
(initdb refuses root), trust authentication on loopback for the `postgres` superuser the checks
use, and a password role `backstop` for `serve`. It can be stopped and started again on the same
port, which is the chaos campaign's PostgreSQL outage; Benchmarks/ scripts use it too."""

import os
import shutil
import subprocess
import tempfile
import threading
import time

PASSWORD = "chaos-password"
BINARIES = ("/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin")


def available():
    """Whether a cluster can be started here: the server binaries and root (to run as postgres)."""
    return any(os.path.exists(f"{d}/initdb") for d in BINARIES) and hasattr(os, "geteuid") and os.geteuid() == 0


def as_postgres(argv, timeout=120):
    return subprocess.run(["setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--"] + argv,
                          check=True, capture_output=True, text=True, cwd="/", timeout=timeout)


class PostgresCluster:
    def __init__(self, port, directory=None):
        self.binaries = next((d for d in BINARIES if os.path.exists(f"{d}/initdb")), None)
        if self.binaries is None:
            raise RuntimeError(f"PostgreSQL server binaries not found under {' or '.join(BINARIES)} (scripts/install-test-deps)")
        self.port = port
        self.directory = directory or tempfile.mkdtemp(prefix="backstop-postgres-")
        os.makedirs(self.directory, exist_ok=True)
        os.chmod(self.directory, 0o755)
        shutil.chown(self.directory, "postgres", "postgres")
        self.data = os.path.join(self.directory, "data")
        self.log = os.path.join(self.directory, "postgresql.log")
        as_postgres([f"{self.binaries}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync"])
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{self.directory}'\n"
                       "fsync = off\nmax_connections = 200\nlog_line_prefix = '%m [%p] '\n")
        self.running = False
        self.start()
        self.psql(f"CREATE ROLE backstop LOGIN PASSWORD '{PASSWORD}'")

    def start(self):
        as_postgres([f"{self.binaries}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start"])
        self.running = True

    def stop(self, mode="fast"):
        """`fast` disconnects every session and shuts down cleanly; `immediate` is a crash (the
        next start recovers from the WAL)."""
        if self.running:
            as_postgres([f"{self.binaries}/pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop"])
            self.running = False

    def create_database(self, name):
        self.psql(f"CREATE DATABASE {name} OWNER backstop")

    def url(self, database):
        return f"postgres://backstop@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def psql(self, sql, database="postgres"):
        """The rows of `sql`, unaligned, `|` between columns; raises CalledProcessError on an error."""
        return subprocess.run(
            ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", database, "-c", sql], check=True, capture_output=True, text=True, timeout=60).stdout.strip()

    def destroy(self):
        try:
            self.stop(mode="immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.directory, ignore_errors=True)


class Outage(threading.Thread):
    """Stops the cluster `delay` seconds from now for `seconds`, then starts it again; `join()`
    returns once it is back (the last serve and the checks need it)."""

    def __init__(self, cluster, delay, seconds, mode):
        super().__init__(daemon=True)
        self.cluster, self.delay, self.seconds, self.mode = cluster, delay, seconds, mode
        self.error = None
        self.stopped_at = None  # time.monotonic() when PostgreSQL went down

    def run(self):
        try:
            time.sleep(self.delay)
            self.cluster.stop(self.mode)
            self.stopped_at = time.monotonic()
            time.sleep(self.seconds)
        except Exception as error:  # reported by the trial as a driver error
            self.error = error
        finally:
            if not self.cluster.running:
                self.cluster.start()
