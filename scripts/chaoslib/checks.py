"""The invariants checked after every trial. Each returns a list of violations (empty: held).
The record is read through scripts/chaoslib/record.py (SQLite read-only, or PostgreSQL through
the CLI and psql); the trackers' side comes from the fakes' /state."""

import collections
import hashlib
import os
import sqlite3
import subprocess

from .processes import restore_processes
from .workspace import HEALTHY


def failures_became_one_incident_each(record, expected_assets):
    """Every broken asset and every accepted alert group: exactly one incident; nothing else."""
    by_asset = collections.Counter(incident["asset"] for incident in record.incidents())
    problems = [f"{asset}: {by_asset[asset]} incidents, expected 1" for asset in sorted(expected_assets) if by_asset[asset] != 1]
    problems += [f"unexpected incident for {asset} ({count})" for asset, count in sorted(by_asset.items()) if asset not in expected_assets]
    return problems


def acknowledged_inputs_stored(record, event_ids, notification_ids, alert_groups=None):
    """Everything answered 2xx is in the record, and exactly once. A notification is stored once
    by its dedup key: one the buffer accepted while PostgreSQL already held the same one (its
    first answer was lost with the connection, and Alertmanager sent it again) is stored under
    the first one's id, so an acknowledged id is also found by its group (`alert_groups`)."""
    events = collections.Counter(record.event_ids())
    notifications = collections.Counter(record.notification_ids())
    groups = record.notification_group_keys() if alert_groups else set()
    doubled = [f"event {i} stored {n} times" for i, n in events.items() if n > 1]
    doubled += [f"notification {i} stored {n} times" for i, n in notifications.items() if n > 1]
    return (doubled
            + [f"event {i} was answered 202 but is not in the record" for i in event_ids if i not in events]
            + [f"notification {i} was answered 200 but is not in the record" for i in notification_ids
               if i not in notifications and (alert_groups or {}).get(i) not in groups])


def trackers_hold_one_of_each(record, state, sink):
    """One tracker issue and one PagerDuty alert per incident; no comment posted twice."""
    problems = []
    found = record.incidents()
    issues = state[sink]
    for incident in found:
        marker = incident["id"].lower()
        if sink == "jira":
            matching = [i for i in issues if any(marker in label.lower() for label in i["labels"])]
        else:
            matching = [i for i in issues if any(incident["id"] in a for a in i["attachments"])]
        if len(matching) != 1:
            problems.append(f"{incident['id']} ({incident['asset']}): {len(matching)} {sink} issues {[i['key'] for i in matching]}")
        pages = [p for p in state["pages"] if p["dedupKey"] == incident["dedup_key"]]
        if len(pages) != 1 or pages[0]["status"] != "triggered":
            problems.append(f"{incident['id']}: PagerDuty alerts {pages}, expected one triggered")
    if len(issues) != len(found):
        problems.append(f"{len(issues)} {sink} issues for {len(found)} incidents")
    for issue in issues:
        repeated = [body for body, count in collections.Counter(issue["comments"]).items() if count > 1]
        if repeated:
            problems.append(f"{issue['key']}: comment posted {len(repeated)}× twice or more: {repeated[0][:80]}")
    return problems


def delivery_finished(record):
    counts = record.outbox_counts()
    problems = [f"{counts[s]} outbox messages {s}" for s in ["pending", "dead"] if counts.get(s)]
    return problems


def restores_cleaned_up(directory):
    scratch = os.path.join(directory, "scratch")
    left = os.listdir(scratch) if os.path.isdir(scratch) else []
    problems = [f"scratch not empty: {left}"] if left else []
    orphans = restore_processes(scratch)
    if orphans:
        problems.append(f"restore processes still running: pids {orphans}")
    return problems


def record_intact(backstop, config):
    result = subprocess.run([backstop, "verify-record", "--config", config, "--log-level", "critical"],
                            capture_output=True, text=True, timeout=120)
    return [] if result.returncode == 0 else [f"verify-record exit {result.returncode}: {(result.stdout + result.stderr).strip()[-300:]}"]


def healthy_still_healthy(record, artifacts):
    problems = [f"{path} changed" for path, digest in artifacts.items()
                if hashlib.sha256(open(path, "rb").read()).hexdigest() != digest]
    for asset in HEALTHY:
        states = record.outcome_states(asset)
        if not states:
            problems.append(f"{asset} was never verified")
        elif any(state != "healthy" for state in states):
            problems.append(f"{asset} recorded {states}, expected healthy only")
    return problems


def buffer_depth(path):
    """(pending, refused) in a `storage.postgres.buffer` file, read-only; (0, 0) if never made."""
    if not os.path.exists(path):
        return 0, 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return tuple(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in ("pending", "refused"))


def buffer_drained(path):
    """Everything the buffer took is in PostgreSQL (the other checks say once): none pending,
    none refused."""
    pending, refused = buffer_depth(path)
    problems = [f"the buffer still holds {pending} write(s) after the last serve"] if pending else []
    if refused:
        problems.append(f"PostgreSQL refused {refused} buffered write(s) (see the buffer's `refused` table)")
    return problems
