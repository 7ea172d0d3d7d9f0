"""Helpers the whole-process benchmarks share (scripts/bench loads them by path, so each script
puts this folder on sys.path before importing)."""

import importlib.util
import os
import socket

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


def load_script(name):
    """Another benchmark script of this folder as a module, for its helpers (the file names have
    dashes, so no plain import)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py")
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
