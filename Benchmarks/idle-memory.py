#!/usr/bin/env python3
"""Where an idle `backstop serve` keeps its resident memory (docs/MEMORY.md).

    Benchmarks/idle-memory.py --binary .build/release/backstop
    Benchmarks/idle-memory.py --binary B --env GLIBC_TUNABLES=glibc.malloc.arena_max=2

Starts serve on 10 assets as `scripts/bench` measures `idle_rss_10_mib` (after the first window's
verification and its triage, the binary's pages dropped from the page cache first:
benchlib.drop_cached_pages), then prints /proc/PID/status's VmRSS, RssAnon, RssFile and Threads,
smaps_rollup's Rss, Pss and Anonymous, /proc/PID/smaps summed by mapping (each file, the malloc
arenas, thread stacks, other anonymous memory), the threads by name, and the executable's resident
pages per ELF section (/proc/PID/pagemap against `readelf -SW`; needs root or CAP_SYS_ADMIN to see
the page frames' presence, which this reads from bit 63 only).
"""
import argparse
import collections
import importlib.util
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchlib import drop_cached_pages  # noqa: E402
spec = importlib.util.spec_from_file_location("metrics_scale", os.path.join(HERE, "metrics-scale.py"))
scale = importlib.util.module_from_spec(spec)
spec.loader.exec_module(scale)

MAPPING = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$")
FIELDS = ("Rss", "Pss", "Anonymous")
# glibc places each thread arena's heap at a multiple of its maximum size (64 MiB on 64-bit).
ARENA_ALIGNMENT = 64 << 20


def mappings(pid):
    found = []
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            match = MAPPING.match(line)
            if match:
                found.append({"start": int(match[1], 16), "end": int(match[2], 16), "perms": match[3],
                              "path": match[4].strip()})
            else:
                key, _, value = line.partition(":")
                parts = value.split()
                if parts and parts[0].isdigit():
                    found[-1][key] = int(parts[0])
    return found


def stack_pointers(pid):
    """Each thread's stack pointer (/proc/PID/task/TID/syscall, second to last field)."""
    pointers = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/syscall") as f:
                parts = f.read().split()
            pointers.append(int(parts[-2], 16))
        except (OSError, ValueError, IndexError):
            pass  # a thread that is running has no saved stack pointer to read
    return pointers


def group(pid):
    pointers = stack_pointers(pid)
    groups = collections.defaultdict(collections.Counter)
    for mapping in mappings(pid):
        path = mapping["path"]
        if path:
            name = path if path.startswith("[") else os.path.basename(path)
        elif any(mapping["start"] <= pointer < mapping["end"] for pointer in pointers):
            name = "[thread stacks]"
        elif mapping["perms"].startswith("---"):
            name = "[reserved, not accessible]"
        elif mapping["start"] % ARENA_ALIGNMENT == 0:
            name = "[malloc thread arenas]"
        else:
            name = "[other anonymous]"
        for field in FIELDS:
            groups[name][field] += mapping.get(field, 0)
        groups[name]["Size"] += (mapping["end"] - mapping["start"]) // 1024
    return groups


def sections(pid, binary):
    """Resident KiB of each ELF section of the executable."""
    real = os.path.realpath(binary)
    starts = []
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and parts[5] == real:
                starts.append(int(parts[0].split("-")[0], 16) - int(parts[2], 16))
    base = min(starts)
    listing = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    result = []
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for line in listing.splitlines():
            match = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
            if not match or int(match[2], 16) == 0:
                continue
            address, size = base + int(match[2], 16), int(match[3], 16)
            resident = 0
            for page in range(address // 4096, (address + size + 4095) // 4096):
                pagemap.seek(page * 8)
                resident += struct.unpack("Q", pagemap.read(8))[0] >> 63
            result.append((match[1], size // 1024, resident * 4))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for serve's environment")
    args = parser.parse_args()
    environment = dict(os.environ, **dict(item.split("=", 1) for item in args.env))
    work = tempfile.mkdtemp(prefix="backstop-idle-memory-")
    port = scale.free_port()
    config = scale.make_setup(work, 10, port)
    drop_cached_pages(args.binary)
    with open(os.path.join(work, "serve.log"), "w") as log:
        server = subprocess.Popen([args.binary, "serve", "--config", config, "--log-level", "warning"],
                                  stdout=log, stderr=log, env=environment)
    try:
        start = time.perf_counter()
        base = f"http://127.0.0.1:{port}"
        while time.perf_counter() - start < 120:
            try:
                if scale.get(base + "/-/ready")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        if scale.wait_window_verified(base, start, 60) is None:
            raise SystemExit(f"serve did not verify its first window within 60 s (log: {work}/serve.log)")
        pid = server.pid
        with open(f"/proc/{pid}/status") as f:
            status = dict(line.split(":", 1) for line in f)
        print("  ".join(f"{key} {status[key].strip()}" for key in ("VmRSS", "RssAnon", "RssFile", "Threads")))
        with open(f"/proc/{pid}/smaps_rollup") as f:
            rollup = dict(line.split(":", 1) for line in f.read().splitlines()[1:])
        print("  ".join(f"{key} {rollup[key].strip()}" for key in FIELDS))
        print(f"\n{'mapping (KiB)':<44}{'Size':>10}{'Rss':>9}{'Pss':>9}{'Anon':>9}")
        for name, sums in sorted(group(pid).items(), key=lambda item: -item[1]["Rss"]):
            if sums["Rss"]:
                print(f"{name[:43]:<44}{sums['Size']:>10}{sums['Rss']:>9}{sums['Pss']:>9}{sums['Anonymous']:>9}")
        names = collections.Counter()
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                names[f.read().strip()] += 1
        print("\nthreads:", ", ".join(f"{name} x{count}" for name, count in names.most_common()))
        print(f"\n{'executable section':<32}{'size KiB':>10}{'resident KiB':>14}")
        for name, size, resident in sections(pid, args.binary):
            if resident >= 64:
                print(f"{name:<32}{size:>10}{resident:>14}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
