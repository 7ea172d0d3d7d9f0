"""One trial: the fakes, `backstop serve` killed at the planned moments, a last `serve` that
must deliver everything, then the invariants."""

import os
import shutil
import time

from . import checks
from .disk import Disk, available
from .plan import describe
from .postgres import PASSWORD, Outage
from .processes import SIGNALS, Fakes, Serve, restore_processes, wait_until
from .record import PostgresRecord, SQLiteRecord
from .workload import Workload
from .workspace import BUFFER, HEALTHY, SQLITE, make_backups, postgres_storage, write, write_config

# How long a moment may take to come before the kill happens anyway (the trial says so).
MOMENT_TIMEOUT = 10.0
CONVERGE_TIMEOUT = 150.0


class Trial:
    def __init__(self, plan, build, root, cluster=None):
        self.plan = plan
        self.cluster = cluster  # the campaign's PostgreSQL, for plans with a `postgres` part
        self.backstop = os.path.join(build, "backstop")
        self.fakes_executable = os.path.join(build, "backstop-fakes")
        self.directory = os.path.join(root, f"trial-{plan['seed']}")
        self.notes = []

    def run(self):
        """(violations, notes): the invariants that did not hold and what happened."""
        plan = self.plan
        shutil.rmtree(self.directory, ignore_errors=True)
        os.makedirs(self.directory)
        artifacts = make_backups(self.directory, plan["broken"])
        fakes = Fakes(self.fakes_executable, plan["search_lag"], plan["search_delay_ms"], self.file("fakes.log"))
        workload = None
        disk = None
        outage = None
        try:
            if plan["disk"]:
                if available():
                    disk = Disk(self.file("data"))
                else:
                    self.notes.append("disk fault skipped (needs root to mount a tmpfs)")
            storage = SQLITE
            if plan.get("postgres"):
                database = f"chaos_{plan['seed']}"
                self.cluster.psql(f"DROP DATABASE IF EXISTS {database}")
                self.cluster.create_database(database)
                write(self.file("pg-password"), (PASSWORD + "\n").encode())
                storage = postgres_storage(self.cluster.url(database), buffer=plan["postgres"].get("buffer", False))
            config, port = write_config(self.directory, fakes.urls, plan["sink"], plan["broken"], plan["restore_seconds"], storage)
            self.record = (PostgresRecord(self.cluster, database, self.backstop, config) if plan.get("postgres")
                           else SQLiteRecord(self.directory))
            for target, (fault, count) in plan["faults"].items():
                fakes.fault(target, fault, count)
            if plan["outage"]:
                fakes.outage(*plan["outage"])
            workload = Workload(plan["seed"], plan, [port], HEALTHY)
            violations = []
            for index, kill in enumerate(plan["kills"]):
                serve = Serve(self.backstop, config, self.file("serve.log"), self.file("stacks.txt"))
                if index == 0:
                    workload.start()
                    if plan.get("postgres"):
                        down = plan["postgres"]
                        outage = Outage(self.cluster, down["delay"], down["seconds"], down["mode"])
                        outage.start()
                reached = self.wait_for_moment(serve, kill, fakes)
                self.notes.append(f"{kill['signal']}@{kill['moment']}{'' if reached else '(not reached)'}")
                if disk is not None and index == 0:
                    disk.fail(plan["disk"])
                    time.sleep(1.0)  # Backstop runs on a while without its disk
                if self.refused_to_start(serve):
                    # Started while PostgreSQL was down: it exits 1 naming the store (no local
                    # buffer yet), and systemd would start it again (the next serve).
                    self.notes.append("serve-exit@start(postgres down)")
                    continue
                serve.signal(SIGNALS[kill["signal"]])
                status = serve.wait(timeout=60)
                if disk is not None:
                    disk.restore()
                if kill["signal"] == "TERM" and status == -15 and serve.count("starting backstop") == 0:
                    # Still opening its store (PostgreSQL down or just back): its SIGTERM handler is
                    # not installed yet, so the default action ends it, as systemd counts a clean
                    # stop; nothing was accepted yet.
                    self.notes.append("TERM@start(before serving)")
                elif kill["signal"] == "TERM" and status != 0:
                    violations.append(f"SIGTERM at {kill['moment']}: serve {self.ended(status)}, expected exit 0 within 60 s")
            if plan["outage"]:
                fakes.outage(plan["outage"][0], "none")
            if outage is not None:
                killed_at = time.monotonic()
                outage.join()  # PostgreSQL is back before the last serve starts
                if outage.error is not None:
                    raise outage.error
                during = outage.stopped_at is not None and outage.stopped_at < killed_at
                self.notes.append(f"postgres-down@{'serve' if during else 'between-serves'}")
            serve = Serve(self.backstop, config, self.file("serve.log"), self.file("stacks.txt"))
            # Up first: it clears what the killed ones left (restores, scratch) while starting, and
            # a SIGTERM before its handlers are installed would end it the default way.
            if not serve.wait_for("Server started and listening", 1, 60):
                violations.append("the last serve did not start listening within 60 s")
            expected = set(plan["broken"])
            if not workload.finish(timeout=60):
                violations.append("the workload's events and notifications were not all acknowledged within 60 s")
            expected |= {f"chaos-{plan['seed']}-{i}" for i in range(plan["alerts"])}
            converged = wait_until(lambda: self.converged(expected), CONVERGE_TIMEOUT, interval=0.5)
            if not converged:
                violations.append(f"not converged within {CONVERGE_TIMEOUT:.0f} s")
            serve.signal(SIGNALS["TERM"])
            status = serve.wait(timeout=60)
            if status != 0:
                violations.append(f"the last serve {self.ended(status)} on SIGTERM, expected exit 0 within 60 s")
            state = fakes.state()
            if workload.unavailable:
                self.notes.append(f"5xx×{workload.unavailable}")
            violations += checks.failures_became_one_incident_each(self.record, expected)
            violations += checks.acknowledged_inputs_stored(
                self.record, workload.acknowledged_events, workload.acknowledged_alerts, workload.alert_groups)
            violations += checks.trackers_hold_one_of_each(self.record, state, plan["sink"])
            violations += checks.delivery_finished(self.record)
            violations += checks.restores_cleaned_up(self.directory)
            violations += checks.record_intact(self.backstop, config)
            violations += checks.healthy_still_healthy(self.record, artifacts)
            if self.buffered:
                violations += checks.buffer_drained(self.file(BUFFER))
                drains = self.log_count("the PostgreSQL buffer is drained")
                self.notes.append(f"buffer-drained×{drains}" if drains else "buffer-unused")
            return violations, self.notes
        finally:
            if workload is not None:
                workload.stopping.set()
            if outage is not None:
                outage.join()
            fakes.stop()
            if disk is not None:
                # The record goes with the mount: keep a copy for a failed trial's inspection.
                shutil.copytree(self.file("data"), self.file("data-kept"), dirs_exist_ok=True)
                disk.unmount()

    @property
    def buffered(self):
        return bool(self.plan.get("postgres") and self.plan["postgres"].get("buffer"))

    def log_count(self, text):
        """Lines of every serve's log (serve.log) that contain `text`."""
        with open(self.file("serve.log"), "rb") as log:
            return sum(text.encode() in line for line in log)

    def ended(self, status):
        """How a serve ended, for a violation: a hang names the file with its threads' stacks."""
        return f"did not exit (threads' stacks in {self.file('stacks.txt')})" if status is None else f"exited with {status}"

    def file(self, name):
        return os.path.join(self.directory, name)

    def refused_to_start(self, serve):
        """Whether `serve` exited by itself because it could not open the PostgreSQL store."""
        if self.plan.get("postgres") is None or serve.process.poll() is None:
            return False
        return serve.wait() == 1 and serve.count("Error: opening the PostgreSQL store") > 0

    def wait_for_moment(self, serve, kill, fakes):
        moment, n, delay = kill["moment"], kill["n"], kill["delay"]
        if moment == "verification":
            reached = serve.wait_for("verification started", 1, MOMENT_TIMEOUT)
        elif moment == "restore":
            # This process's restores, not those a killed one left (they are there at its start).
            pid = serve.process.pid
            reached = wait_until(lambda: restore_processes(self.file("scratch"), owner=pid), MOMENT_TIMEOUT)
        elif moment == "triage":
            reached = serve.wait_for("incident open", n, MOMENT_TIMEOUT)
        elif moment == "delivery":
            # The n-th request this process got accepted (the fakes count across processes).
            before = sum(fakes.state()["accepted"].values())
            reached = wait_until(lambda: sum(fakes.state()["accepted"].values()) >= before + n, MOMENT_TIMEOUT, interval=0.01)
        else:
            reached = serve.wait_for("verification started", 1, MOMENT_TIMEOUT)
        time.sleep(delay)
        return reached

    def converged(self, expected):
        try:
            found = {incident["asset"] for incident in self.record.incidents()}
            counts = self.record.outbox_counts()
        except Exception:  # the record is not created yet, or busy: not converged
            return False
        # With a buffer, what it took must be in PostgreSQL before the checks read it.
        drained = not self.buffered or checks.buffer_depth(self.file(BUFFER))[0] == 0
        return expected <= found and not counts.get("pending") and counts.get("delivered", 0) > 0 and drained


def run_trial(plan, build, root, cluster=None):
    started = time.monotonic()
    trial = Trial(plan, build, root, cluster)
    try:
        violations, notes = trial.run()
    except Exception as error:  # the driver itself failed: report it as this trial's failure
        violations, notes = [f"driver error: {type(error).__name__}: {error}"], trial.notes
    return violations, notes, time.monotonic() - started, describe(plan)
