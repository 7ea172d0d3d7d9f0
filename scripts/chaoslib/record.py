"""Reading a trial's record for the invariant checks, on either store: SQLite read-only with
sqlite3 (as before), or PostgreSQL, where the incidents come from `backstop incidents list
--format json` (the CLI the operator uses) and what the CLI does not show (outbox states, intake
ids, outcomes) from psql as the superuser."""

import json
import os
import sqlite3
import subprocess


class SQLiteRecord:
    def __init__(self, directory):
        self.path = os.path.join(directory, "data", "backstop.db")

    def _query(self, sql, arguments=()):
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as db:
            return db.execute(sql, arguments).fetchall()

    def incidents(self):
        rows = self._query("SELECT id, asset, cause, state, dedup_key FROM incidents")
        return [dict(zip(["id", "asset", "cause", "state", "dedup_key"], row)) for row in rows]

    def outbox_counts(self):
        return dict(self._query("SELECT state, COUNT(*) FROM outbox GROUP BY state"))

    def event_ids(self):
        return [row[0] for row in self._query("SELECT id FROM events")]

    def notification_ids(self):
        return [row[0] for row in self._query("SELECT id FROM alert_notifications")]

    def notification_group_keys(self):
        return {row[0] for row in self._query("SELECT group_key FROM alert_notifications")}

    def outcome_states(self, asset):
        return [row[0] for row in self._query("SELECT state FROM outcomes WHERE asset = ? ORDER BY seq", (asset,))]


class PostgresRecord:
    def __init__(self, cluster, database, backstop, config):
        self.cluster, self.database, self.backstop, self.config = cluster, database, backstop, config

    def _rows(self, sql):
        return [line.split("|") for line in self.cluster.psql(sql, self.database).splitlines() if line]

    def incidents(self):
        result = subprocess.run(
            [self.backstop, "incidents", "list", "--all", "--limit", "100000", "--format", "json", "--config", self.config,
             "--log-level", "critical"], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"backstop incidents list: exit {result.returncode}: {result.stderr.strip()[-300:]}")
        return [{key: incident[key] for key in ["id", "asset", "cause", "state", "dedup_key"]} for incident in json.loads(result.stdout)]

    def outbox_counts(self):
        return {state: int(count) for state, count in self._rows("SELECT state, COUNT(*) FROM outbox GROUP BY state")}

    def event_ids(self):
        return [row[0] for row in self._rows("SELECT id FROM events")]

    def notification_ids(self):
        return [row[0] for row in self._rows("SELECT id FROM alert_notifications")]

    def notification_group_keys(self):
        return {"|".join(row) for row in self._rows("SELECT group_key FROM alert_notifications")}

    def outcome_states(self, asset):
        escaped = asset.replace("'", "''")
        return [row[0] for row in self._rows(f"SELECT state FROM outcomes WHERE asset = '{escaped}' ORDER BY seq")]
