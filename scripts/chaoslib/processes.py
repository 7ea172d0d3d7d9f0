"""Child processes of a trial: the sink fakes and `backstop serve`, and the /proc scans the
invariants need (restore processes still running under a trial's scratch directory)."""

import json
from datetime import datetime, timezone
import os
import signal
import subprocess
import threading
import time
import urllib.request

MARKER = b"BACKSTOP_RESTORE_SCRATCH="


class Fakes:
    """`backstop-fakes`: PagerDuty, Jira and Linear on loopback, with a control API."""

    def __init__(self, executable, search_lag, search_delay_ms, log_path):
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [executable, "--jira-search-lag", str(search_lag), "--jira-search-delay-ms", str(search_delay_ms)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log)
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"backstop-fakes exited before listening (see {log_path})")
        self.urls = json.loads(line)

    def control(self, path, method="POST"):
        request = urllib.request.Request(self.urls["control"] + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    def fault(self, sink, fault, count=1):
        self.control(f"/faults/{sink}?fault={fault}&count={count}")

    def outage(self, sink, fault):
        self.control(f"/outage/{sink}?fault={fault}")

    def state(self):
        return json.loads(self.control("/state", method="GET"))

    def stop(self):
        # Closing stdin is the fakes' signal to stop (so a dead driver leaves none behind).
        self.process.stdin.close()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Serve:
    """One `backstop serve` process; its stderr (the log) is kept in a file and in memory."""

    def __init__(self, executable, config, log_path, stacks_path=None):
        self.lines = []
        # Where the threads' stacks go if it outlives a wait (``wait``); None: not taken.
        self.stacks_path = stacks_path
        self.cond = threading.Condition()
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [executable, "serve", "--config", config, "--log-format", "text", "--log-level", "info"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.process.stderr:
            with self.cond:
                self.log.write(raw)
                self.log.flush()
                self.lines.append(raw.decode("utf-8", "replace"))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def count(self, text):
        with self.cond:
            return sum(text in line for line in self.lines)

    def wait_for(self, text, occurrence=1, timeout=60.0):
        """True once `text` has appeared `occurrence` times in the log; False at the timeout or exit."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while sum(text in line for line in self.lines) < occurrence:
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self.reader.is_alive()):
                    return False
                self.cond.wait(min(left, 0.2))
        return True

    def signal(self, number):
        if self.process.poll() is None:
            self.mark(f"sending {signal.Signals(number).name} to pid {self.process.pid}")
            os.kill(self.process.pid, number)

    def mark(self, text):
        """A line of the driver's own in the log file (not in ``lines``, which the moments count)."""
        with self.cond:
            if not self.log.closed:
                self.log.write(f"== chaos {datetime.now(timezone.utc).isoformat(timespec='milliseconds')}: {text}\n".encode())
                self.log.flush()

    def wait(self, timeout=60.0):
        """Exit status (negative: the signal), or None if it did not exit in time (then its
        threads' stacks are kept, see ``take_stacks``, and SIGKILL)."""
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.mark(f"pid {self.process.pid} still running after {timeout:.0f} s: taking its stacks, then SIGKILL")
            if self.stacks_path is not None:
                take_stacks(self.process.pid, self.stacks_path)
            self.process.kill()
            self.process.wait()
            status = None
        self.reader.join(timeout=5)
        with self.cond:
            self.log.close()
        return status


def take_stacks(pid, path):
    """Appends every thread's stack of process `pid` to `path` (gdb attaches and detaches;
    Swift names demangled when swift-demangle is there), so a hang explains itself after the
    SIGKILL that ends it. A missing gdb is said in the file."""
    header = f"== pid {pid} at {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}: thread apply all bt\n"
    try:
        text = subprocess.run(
            ["gdb", "-p", str(pid), "-batch", "-nx", "-ex", "set pagination off", "-ex", "thread apply all bt"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace", timeout=180, check=False).stdout
    except FileNotFoundError:
        text = "gdb is not installed (scripts/install-test-deps installs it)\n"
    except subprocess.TimeoutExpired:
        text = "gdb did not finish within 180 s\n"
    try:
        text = subprocess.run(["swift-demangle", "--simplified"], input=text, capture_output=True, text=True, errors="replace",
                              timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        pass  # the mangled names, then
    with open(path, "a") as out:
        out.write(header + text)


def restore_processes(scratch_root, owner=None):
    """Pids of processes whose environment marks them as a restore test under `scratch_root`;
    with `owner`, only that Backstop's (its pid starts the scratch directory's name)."""
    name = f"backstop-{owner}-".encode() if owner is not None else b""
    prefix = MARKER + os.path.realpath(scratch_root).encode() + b"/" + name
    alt = MARKER + scratch_root.encode() + b"/" + name
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                environment = handle.read().split(b"\0")
        except OSError:
            continue  # gone, or not ours to read
        if any(item.startswith(prefix) or item.startswith(alt) for item in environment):
            found.append(int(entry))
    return found


def wait_until(predicate, timeout, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


SIGNALS = {"KILL": signal.SIGKILL, "TERM": signal.SIGTERM}
