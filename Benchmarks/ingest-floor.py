#!/usr/bin/env python3
"""The floor under the webhook intake: Hummingbird alone answering `POST /api/v1/alerts`
(Benchmarks/IngestFloor, the `ingest-floor` product), under the load Benchmarks/webhook-ingest.py
puts on Backstop (wrk, unique notifications, 32 connections). scripts/bench runs it right after
the intake figure, as a yardstick that takes the same path through the kernel and the HTTP
server: at times the intake of one build fell by a third while SHA-256 kept its speed. The
floor slows down in such periods too, though less than the intake, so it shows a slow host but
cannot prove a fast one. Usage:

    Benchmarks/ingest-floor.py [--duration 15] [--connections 32] [--binary PATH]

Needs wrk (apt-get install wrk).
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
from benchlib import cpu_seconds, host_cpu_times, load_script, steal_percent  # noqa: E402

# Benchmarks/webhook-ingest.py: its notification template, wrk script and wrk run.
ingest = load_script("webhook-ingest")


def build():
    """The floor built as scripts/build-release builds backstop (same flags, so the same
    Hummingbird objects); returns its path."""
    built = subprocess.run([os.path.join(ROOT, "scripts", "build-release"), "--product", "ingest-floor"], cwd=ROOT,
                           capture_output=True, text=True)
    if built.returncode != 0:
        sys.exit(f"could not build ingest-floor:\n{built.stdout}{built.stderr}")
    return os.path.join(ROOT, ".build/release/ingest-floor")


def wait_listening(port, server, timeout=30):
    """Until the floor accepts connections on `port` (it has no readiness route)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            sys.exit(f"ingest-floor exited with {server.returncode} before it listened")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"ingest-floor did not listen on port {port} within {timeout} s")


def measure(binary, duration, connections=32):
    """{"per_s", "p99_ms", "cpu_us"}: answers 200 a second, their p99, and the server's CPU time
    per answer."""
    with tempfile.TemporaryDirectory(prefix="backstop-floor-") as work:
        body = os.path.join(work, "body.json")
        with open(body, "w") as f:
            f.write(ingest.body_template())
        script = os.path.join(work, "ingest.lua")
        with open(script, "w") as f:
            f.write(ingest.LUA)
        port = ingest.free_port()
        server = subprocess.Popen([binary, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_listening(port, server)
            before, host_before = cpu_seconds(server.pid), host_cpu_times()
            env = dict(os.environ, BACKSTOP_BODY=body, BACKSTOP_TOKEN=ingest.TOKEN)
            _, stats = ingest.run_wrk(port, script, env, duration, connections)
            spent = cpu_seconds(server.pid) - before
            steal = steal_percent(host_before, host_cpu_times())
        finally:
            server.terminate()
            server.wait(timeout=30)
    answered = stats["requests"] - stats["errors_status"]
    return {"per_s": answered / duration, "p99_ms": stats["p99_us"] / 1000, "cpu_us": spent / answered * 1e6 if answered else None,
            "steal_pct": steal}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load (default 15)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--binary", help="this ingest-floor binary (no build)")
    args = parser.parse_args()
    figures = measure(args.binary or build(), args.duration, args.connections)
    print(f"floor: {figures['per_s']:,.0f} answers/s, p99 {figures['p99_ms']:.2f} ms, {figures['cpu_us']:.1f} µs of CPU per answer, "
          f"{figures['steal_pct']:.1f}% of the machine's CPU time stolen by the hypervisor meanwhile")


if __name__ == "__main__":
    main()
