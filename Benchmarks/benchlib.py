"""Helpers the whole-process benchmarks share (scripts/bench loads them by path, so each script
puts this folder on sys.path before importing)."""

import contextlib
import importlib.util
import os
import socket
import sys
import threading
import time
import urllib.request

# wrk's Lua hooks: count non-200 answers and print one JSON line with the latency percentiles.
LATENCY_LUA = r"""
local non200 = 0
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"non200\": %d, \"p50_us\": %d, \"p99_us\": %d, \"max_us\": %d}\n",
    summary.requests, non200, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def free_port():
    """A port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, timeout=120):
    """Seconds until `backstop serve` on `port` answers /-/ready with 200; exits the script when it
    has not after `timeout`."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ready", timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"serve on port {port} was not ready after {timeout} s")


def cpu_seconds(pid):
    """utime + stime of a process so far, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def host_cpu_times():
    """The machine's CPU time so far by state, from /proc/stat's first line (user, nice, system,
    idle, iowait, irq, softirq, steal, ...), in clock ticks."""
    with open("/proc/stat") as f:
        return [int(field) for field in f.readline().split()[1:]]


def steal_percent(before, after):
    """The share of the machine's CPU time between two `host_cpu_times()` that the hypervisor gave
    to other guests (steal): a virtual machine's busy neighbours, which no figure of ours shows
    otherwise."""
    spent = [later - earlier for earlier, later in zip(before, after)]
    total = sum(spent[:8])
    return 100 * spent[7] / total if total else 0.0


def fsync_latency_ms(directory, rounds=200):
    """(p50, p90) in ms of writing 8 KiB and fdatasync-ing it, `rounds` times in a scratch file in
    `directory`: how long the disk takes to make a commit durable right now. The intake waits for
    one such flush per batch, and on a virtual machine its latency varies by the hour (0.3 ms one
    day, 0.9 ms another, measured under the intake with `perf trace`)."""
    with scratch_flushes(os.path.join(directory, "fsync-yardstick")) as flush:
        times = sorted(flush(index) for index in range(rounds))
    return percentile(times, 50), percentile(times, 90)


@contextlib.contextmanager
def scratch_flushes(path):
    """A scratch file at `path` and a function `flush(index)` that writes 8 KiB into one of the
    file's 64 slots, fdatasyncs it and returns how long that took in ms; the file is removed after."""
    block = bytes(8192)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)

    def flush(index):
        started = time.perf_counter()
        os.pwrite(fd, block, (index % 64) * len(block))
        os.fdatasync(fd)
        return (time.perf_counter() - started) * 1000

    try:
        yield flush
    finally:
        os.close(fd)
        os.unlink(path)


def percentile(ordered, per_hundred):
    """The value `per_hundred` of the way along `ordered` (sorted, not empty)."""
    return ordered[min(len(ordered) - 1, len(ordered) * per_hundred // 100)]


class FlushProbe:
    """Writes 8 KiB and fdatasyncs it every `interval` seconds, on a thread of its own, while a load
    runs: what the disk's flushes took meanwhile, to set beside a slow p99. Each batch of the
    intake waits for one flush, and fsync_latency_ms, taken before the load, misses a disk that
    slows under it. At 50 a second the probe adds about one flush to every twelve of the intake's.
    Use it as a context manager; `figures()` afterwards."""

    SLOW_MS = 5

    def __init__(self, directory, interval=0.02):
        self.path = os.path.join(directory, "fsync-probe")
        self.interval = interval
        self.times = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exception):
        self.stop.set()
        self.thread.join()
        return False

    def run(self):
        with scratch_flushes(self.path) as flush:
            index = 0
            while not self.stop.wait(self.interval):
                self.times.append(flush(index))
                index += 1

    def figures(self):
        """p50, p99 and max in ms, and how many flushes took over SLOW_MS; Nones before any flush."""
        if not self.times:
            return None, None, None, None
        times = sorted(self.times)
        slow = sum(1 for value in times if value > self.SLOW_MS)
        return percentile(times, 50), percentile(times, 99), times[-1], slow


def drop_cached_pages(path):
    """Drops a file's pages from the page cache (once synced they are clean, and no other process
    may have it mapped), so that a process started from it maps it as one started from a deployed
    binary after a reboot does. A file just written (by the linker, `cp` or a package manager) sits
    in the page cache in large folios, and the kernel maps whole folios around each page a process
    touches: `serve`'s idle memory reads about 3 MiB more (32.5 against 29.4 MiB, the same binary,
    2026-12-07). Without this, the figure depends on what last happened to the file. No root
    needed, unlike `echo 3 > /proc/sys/vm/drop_caches`, and nothing else is evicted."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def load_script(name):
    """Another benchmark script of this folder as a module, for its helpers (the file names have
    dashes, so no plain import)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py")
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
