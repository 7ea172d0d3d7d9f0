#!/usr/bin/env python3
"""What an alert storm about one asset sends to the tracker: a `backstop serve` with Jira as its
sink and PagerDuty as its pager (the test suite's contract fakes, `backstop-fakes`, on loopback)
takes N Alertmanager notifications, each with its own alerts, all about the same asset. The
first failure opens one incident; every later alert joins it. The script waits until every
notification is triaged and the outbox holds nothing pending (or --timeout passes), then prints
how many Jira issues and comments and PagerDuty events the storm made and how long it took.

Before 2026-12-07 each joining alert was one Jira comment: 3,000 alerts, 3,000 comments, of
which the fake had received 1,959 after 10 minutes. Joins in a burst are now commented at the
incident's 2nd, 4th, 8th, ... occurrence only (AlertJoinComments). Usage:

    Benchmarks/storm-comments.py [--alerts 3000] [--binary PATH] [--fakes PATH] [--timeout 600]

Builds nothing: by default it runs .build/release/backstop (scripts/build-release) and
.build/debug/backstop-fakes (swift build --product backstop-fakes).
"""
import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from benchlib import free_port, load_script, wait_ready  # noqa: E402
from chaoslib.processes import Fakes  # noqa: E402

# Benchmarks/webhook-ingest.py: its one-asset setup, notification template and storm sender.
ingest = load_script("webhook-ingest")


def write_config(work, urls, port):
    """webhook-ingest's one-asset setup, with Jira as the sink and PagerDuty as the pager.
    Returns (configuration path, notification template path)."""
    config, body = ingest.write_setup(work, port, "storage: { sqlite: ./data/backstop.db }")
    with open(os.path.join(work, "jira-token"), "w") as f:
        f.write(urls["jira_token"] + "\n")
    with open(os.path.join(work, "pagerduty-key"), "w") as f:
        f.write(urls["routing_key"] + "\n")
    with open(config, "a") as f:
        f.write(f"""incidents:
  sink: jira
  page: pagerduty
  pagerduty: {{ url: "{urls["pagerduty"]}", routing_key_file: ./pagerduty-key }}
  jira: {{ url: "{urls["jira"]}", project: OPS, issue_type: Task, email: {urls["jira_email"]}, token_file: ./jira-token }}
""")
    return config, body


def settled(database):
    """(notifications triaged, outbox messages pending)."""
    with sqlite3.connect(database) as db:
        triaged = db.execute("SELECT COUNT(*) FROM triaged_runs WHERE run_id LIKE 'ntf_%'").fetchone()[0]
        pending = db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
    return triaged, pending


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=3000, help="notifications in the storm (default 3000)")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/backstop"))
    parser.add_argument("--fakes", default=os.path.join(ROOT, ".build/debug/backstop-fakes"))
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the outbox to drain")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="backstop-storm-comments-")
    fakes = Fakes(args.fakes, 1, 0, os.path.join(work, "fakes.log"))
    server = None
    try:
        port = free_port()
        config, body = write_config(work, fakes.urls, port)
        server = subprocess.Popen([args.binary, "serve", "--config", config, "--log-level", "warning"],
                                  stderr=open(os.path.join(work, "backstop.log"), "w"))
        wait_ready(port)
        started = time.time()
        ingest.post_burst(port, body, args.alerts)
        database = os.path.join(work, "data/backstop.db")
        while True:
            triaged, pending = settled(database)
            if (triaged >= args.alerts and pending == 0) or time.time() - started > args.timeout:
                break
            time.sleep(0.5)
        took = time.time() - started
        state = fakes.state()
        comments = sum(len(issue["comments"]) for issue in state["jira"])
        done = "drained" if triaged >= args.alerts and pending == 0 else f"NOT drained ({triaged} triaged, {pending} pending)"
        print(f"{args.alerts} alerts about one asset: {len(state['jira'])} Jira issue(s), {comments} comment(s), "
              f"{len(state['pagerDutyEvents'])} PagerDuty event(s); {done} after {took:.1f} s")
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        fakes.process.stdin.close()
        fakes.process.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
