"""What one trial does, drawn from its seed: the same seed gives the same plan, so a failing
trial is replayed with `scripts/chaos --seed SEED`."""

import random

from .workspace import BROKEN

MOMENTS = ["verification", "restore", "triage", "delivery", "random"]
SINK_FAULTS = ["none", "500", "429", "hang"]


def make(seed, postgres=False):
    rng = random.Random(seed)
    sink = rng.choice(["jira", "linear"])
    plan = {
        "seed": seed,
        "sink": sink,
        "broken": sorted(rng.sample(BROKEN, rng.randint(1, len(BROKEN)))),
        "restore_seconds": round(rng.uniform(0.2, 1.5), 2),
        "search_lag": rng.randint(1, 3) if sink == "jira" else 1,
        "search_delay_ms": rng.choice([0, 0, rng.randint(500, 8000)]) if sink == "jira" else 0,
        # Planned for the first requests: the next N requests to the sink fail so.
        "faults": {},
        # Every request fails so while the killed processes run; lifted before the last start.
        "outage": None,
        "kills": [],
        # The record's disk fills up at the first kill's moment (root only; a read-only remount
        # is refused while SQLite holds the files open for writing, so full is the fault).
        "disk": rng.choice([None, None, "full"]),
        "events": rng.randint(0, 3),
        "alerts": rng.randint(0, 2),
    }
    for target in ["pagerduty", sink]:
        fault = rng.choice(SINK_FAULTS)
        if fault != "none":
            plan["faults"][target] = (fault, 1 if fault == "hang" else rng.randint(1, 4))
    if rng.random() < 0.3:
        plan["outage"] = (rng.choice(["pagerduty", sink]), rng.choice(["500", "429", "hang"]))
    for _ in range(rng.randint(1, 2)):
        moment = rng.choice(MOMENTS)
        plan["kills"].append({
            "moment": moment,
            "signal": rng.choice(["KILL", "KILL", "TERM"]),
            # Which occurrence of the moment (the n-th delivery), or a delay for `random`.
            "n": rng.randint(1, 3),
            "delay": round(rng.uniform(0.0, 4.0) if moment == "random" else rng.uniform(0.0, 0.3), 2),
        })
    if postgres:
        # Drawn last, so a seed's other faults are the same with and without --postgres.
        plan["disk"] = None  # the record is in PostgreSQL, not on the trial's disk
        plan["postgres"] = {
            # PostgreSQL stops this long after the first serve starts, for this long; `fast`
            # disconnects every session, `immediate` is a crash recovered from the WAL.
            "delay": round(rng.uniform(0.5, 4.0), 2),
            "seconds": round(rng.uniform(1.0, 8.0), 2),
            "mode": rng.choice(["fast", "immediate"]),
        }
        # Half the trials take intake writes into `storage.postgres.buffer` while PostgreSQL is
        # down (drawn after the rest, so the seed's outage is the same with and without it).
        plan["postgres"]["buffer"] = rng.random() < 0.5
        if plan["postgres"]["buffer"]:
            plan["events"] += 3  # more intake, sent while PostgreSQL is down (Workload)
    return plan


def describe(plan):
    kills = ",".join(f"{k['signal']}@{k['moment']}#{k['n']}+{k['delay']}s" for k in plan["kills"])
    faults = ",".join(f"{t}:{f}x{n}" for t, (f, n) in plan["faults"].items()) or "none"
    outage = ":".join(plan["outage"]) if plan["outage"] else "none"
    lag = f" search_lag={plan['search_lag']}/{plan['search_delay_ms']}ms" if plan["sink"] == "jira" else ""
    disk = f" disk={plan['disk']}" if plan["disk"] else ""
    if plan.get("postgres"):
        down = plan["postgres"]
        disk += f" postgres=down@{down['delay']}s+{down['seconds']}s/{down['mode']}{'+buffer' if down.get('buffer') else ''}"
    return (f"sink={plan['sink']} broken={'+'.join(plan['broken'])} kills={kills} faults={faults} outage={outage}{lag}{disk}"
            f" events={plan['events']} alerts={plan['alerts']}")
