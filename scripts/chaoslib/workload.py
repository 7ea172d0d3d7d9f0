"""What outside callers send while Backstop is being killed: completion events from backup jobs
and Alertmanager notifications. Only what was acknowledged (202 / 200) is remembered: that is
what must be in the record afterwards."""

import json
import random
import threading
import time
import urllib.error
import urllib.request


def post(port, path, body):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}
    except (OSError, ValueError):
        return None, {}  # refused or cut off: not acknowledged


def event(asset):
    # No finished_at: the backup finished now, as the artifacts on disk say (they are fresh).
    return {"asset": asset, "tool": "tar", "status": "success"}


def notification(seed, index):
    labels = {"alertname": "ChaosDiskFilling", "service": f"chaos-{seed}-{index}", "severity": "critical"}
    return {
        "version": "4", "groupKey": f'{{}}:{{alertname="ChaosDiskFilling",service="chaos-{seed}-{index}"}}',
        "status": "firing", "receiver": "backstop", "externalURL": "http://alertmanager.test",
        "alerts": [{"status": "firing", "labels": labels, "annotations": {"summary": "disk filling"},
                    "startsAt": "2026-11-22T02:10:00Z", "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "http://prometheus.test/graph", "fingerprint": f"{seed % 0xFFFF:04x}{index:012x}"}],
    }


class Workload(threading.Thread):
    """Sends the trial's events and notifications at random moments, each until acknowledged
    or the trial ends; a refused request is sent again (as Alertmanager and backup jobs retry)."""

    def __init__(self, seed, plan, port_holder, healthy):
        super().__init__(daemon=True)
        rng = random.Random(seed * 7 + 1)
        self.items = [("/api/v1/events", event(rng.choice(healthy))) for _ in range(plan["events"])]
        self.items += [("/api/v1/alerts", notification(seed, i)) for i in range(plan["alerts"])]
        rng.shuffle(self.items)
        self.delays = [rng.uniform(0.0, 3.0) for _ in self.items]
        down = plan.get("postgres")
        if down and down.get("buffer"):
            # Sent while PostgreSQL is down (the outage starts with the workload), so that the
            # intake goes to the local buffer, and drains from it once PostgreSQL is back.
            moments = sorted(rng.uniform(down["delay"], down["delay"] + down["seconds"]) for _ in self.items)
            self.delays = [later - earlier for earlier, later in zip([0.0] + moments, moments)]
        self.port_holder = port_holder
        self.acknowledged_events = []  # event ids answered 202
        self.acknowledged_alerts = []  # notification ids answered 200 (accepted)
        self.alert_groups = {}  # each acknowledged notification id: its Alertmanager groupKey
        self.done = 0  # items acknowledged (a notification answered `duplicate` was stored before)
        self.unavailable = 0  # answers 5xx (503 while the store cannot take the write), sent again
        self.stopping = threading.Event()

    def run(self):
        for (path, body), delay in zip(self.items, self.delays):
            if self.stopping.wait(delay):
                return
            while not self.stopping.is_set():
                status, answer = post(self.port_holder[0], path, body)
                if status == 202:
                    self.acknowledged_events.append(answer.get("id"))
                    self.done += 1
                    break
                if status == 200:
                    if answer.get("status") == "accepted":
                        self.acknowledged_alerts.append(answer.get("id"))
                        self.alert_groups[answer.get("id")] = body["groupKey"]
                    self.done += 1
                    break
                if status is not None and 400 <= status < 500:
                    raise RuntimeError(f"{path} refused {status}: the chaos workload itself is wrong")
                if status is not None and status >= 500:
                    self.unavailable += 1
                time.sleep(0.2)

    def finish(self, timeout):
        """Waits for everything to be acknowledged; True when it was."""
        self.join(timeout)
        self.stopping.set()
        return not self.is_alive() and self.done == len(self.items)
