import Foundation
import GRDB

/// The record's schema. Record tables are append-only: triggers in the schema itself abort any
/// UPDATE or DELETE, and every row carries a hash chained to the previous row of its table.
enum RecordSchema {
    /// Tables of the append-only record, with their data columns in hashing order.
    static let recordTables = ledgerTables + ApprovalRows.tables

    private static let ledgerTables: [(name: String, columns: [String])] = [
        ("runs", ["id", "trigger_kind", "trigger_detail", "started_at", "finished_at", "status"]),
        (
            "outcomes",
            [
                "run_id", "asset", "schedule", "window_start", "window_end", "window_closes_at", "state", "artifact_path",
                "artifact_size", "artifact_mtime", "produced_at", "late", "bytes_hashed", "verified_at", "cause",
            ]
        ),
        ("checks", ["run_id", "asset", "position", "kind", "status", "message", "expected", "actual", "excerpt"]),
        (
            "restore_tests",
            ["run_id", "asset", "artifact_path", "started_at", "duration_seconds", "status", "message", "expected", "actual", "excerpt"]
        ),
        ("events", ["id", "asset", "received_at", "report_json"]),
        ("diagnoses", ["run_id", "asset", "cause", "confidence", "rule", "evidence_json"]),
        ("incident_events", ["incident_id", "at", "kind", "text"]),
        ("incident_reports", ["incident_id", "run_id", "created_at", "markdown", "json"]),
        (
            "recovery_attempts",
            ["run_id", "asset", "schedule", "cause", "attempt", "started_at", "finished_at", "result", "detail", "window_start"]
        ),
        ("triaged_runs", ["run_id", "at"]),
        ("alert_notifications", ["id", "received_at", "receiver", "status", "group_key", "dedup_key", "notification_json"]),
        (
            "alert_transitions",
            ["fingerprint", "starts_at", "status", "action", "notification_id", "alert_name", "asset", "incident_id", "at"]
        ),
    ]

    static func columns(of table: String) -> [String] {
        recordTables.first { $0.name == table }?.columns ?? []
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 record") { db in
            try db.execute(
                sql: """
                    CREATE TABLE runs (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        trigger_kind TEXT NOT NULL,
                        trigger_detail TEXT,
                        started_at REAL NOT NULL,
                        finished_at REAL NOT NULL,
                        status TEXT NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX runs_trigger ON runs(trigger_kind, trigger_detail);
                    CREATE TABLE outcomes (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        run_id TEXT NOT NULL,
                        asset TEXT NOT NULL,
                        schedule TEXT NOT NULL,
                        window_start REAL,
                        window_end REAL,
                        window_closes_at REAL,
                        state TEXT NOT NULL,
                        artifact_path TEXT,
                        artifact_size INTEGER,
                        artifact_mtime REAL,
                        produced_at REAL,
                        late INTEGER NOT NULL,
                        bytes_hashed INTEGER NOT NULL,
                        verified_at REAL NOT NULL,
                        cause TEXT,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX outcomes_asset ON outcomes(asset, seq);
                    CREATE INDEX outcomes_run ON outcomes(run_id);
                    CREATE TABLE checks (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        run_id TEXT NOT NULL,
                        asset TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        status TEXT NOT NULL,
                        message TEXT NOT NULL,
                        expected TEXT,
                        actual TEXT,
                        excerpt TEXT,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX checks_run ON checks(run_id);
                    CREATE TABLE restore_tests (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        run_id TEXT NOT NULL,
                        asset TEXT NOT NULL,
                        artifact_path TEXT NOT NULL,
                        started_at REAL NOT NULL,
                        duration_seconds REAL NOT NULL,
                        status TEXT NOT NULL,
                        message TEXT NOT NULL,
                        expected TEXT,
                        actual TEXT,
                        excerpt TEXT,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX restore_tests_asset ON restore_tests(asset, seq);
                    CREATE INDEX restore_tests_run ON restore_tests(run_id);
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        asset TEXT NOT NULL,
                        received_at REAL NOT NULL,
                        report_json TEXT NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    """)
            for table in ["runs", "outcomes", "checks", "restore_tests", "events"] {
                try appendOnlyTriggers(db, table: table)
            }
        }
        migrator.registerMigration("v2 diagnoses") { db in
            try db.execute(
                sql: """
                    CREATE TABLE diagnoses (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        run_id TEXT NOT NULL,
                        asset TEXT NOT NULL,
                        cause TEXT NOT NULL,
                        confidence REAL NOT NULL,
                        rule TEXT NOT NULL,
                        evidence_json TEXT NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX diagnoses_run ON diagnoses(run_id);
                    """)
            try appendOnlyTriggers(db, table: "diagnoses")
        }
        migrator.registerMigration("v3 incidents") { db in
            try db.execute(sql: incidentsDDL)
            for table in ["incident_events", "incident_reports", "recovery_attempts", "triaged_runs"] {
                try appendOnlyTriggers(db, table: table)
            }
            // Runs recorded before incidents existed are history, not work: mark them triaged.
            let runs = try String.fetchAll(db, sql: "SELECT id FROM runs ORDER BY seq")
            for run in runs { try HashChain.append(db, table: "triaged_runs", values: [run, Date().timeIntervalSince1970]) }
        }
        migrator.registerMigration("v4 alert intake") { db in
            try db.execute(sql: alertsDDL)
            for table in ["alert_notifications", "alert_transitions"] { try appendOnlyTriggers(db, table: table) }
        }
        migrator.registerMigration("v5 outbox sink notes") { db in
            // A sink's note from before its first request, kept across attempts (not recorded).
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN sink_note TEXT")
        }
        migrator.registerMigration("v6 approvals", migrate: ApprovalRows.migrate)
        registerLookupIndexes(&migrator)
        registerNotificationRepeats(&migrator)
        registerRowNumbers(&migrator)
        registerOutboxLines(&migrator)
        return migrator
    }

    /// The Alertmanager intake record: every accepted notification (written before the 200; a
    /// repeat from a retry or an HA peer is a no-op, ``NotificationRepeats``), and every alert firing
    /// or resolution acted on. `triaged_runs` marks notifications processed, as it does runs.
    private static let alertsDDL = """
        CREATE TABLE alert_notifications (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            received_at REAL NOT NULL,
            receiver TEXT NOT NULL,
            status TEXT NOT NULL,
            group_key TEXT NOT NULL,
            dedup_key TEXT NOT NULL UNIQUE,
            notification_json TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TABLE alert_transitions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            fingerprint TEXT NOT NULL,
            starts_at INTEGER NOT NULL, -- milliseconds since 1970
            status TEXT NOT NULL,
            action TEXT NOT NULL,
            notification_id TEXT NOT NULL,
            alert_name TEXT NOT NULL,
            asset TEXT NOT NULL,
            incident_id TEXT,
            at REAL NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE UNIQUE INDEX alert_transitions_once ON alert_transitions(fingerprint, starts_at, status);
        CREATE INDEX alert_transitions_incident ON alert_transitions(incident_id);
        """

    /// Record tables of the incident ledger, then its current-state tables (`incidents`,
    /// `outbox`), which are updated in place and are not part of the record.
    private static let incidentsDDL = """
        CREATE TABLE incident_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id TEXT NOT NULL,
            at REAL NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX incident_events_incident ON incident_events(incident_id, seq);
        CREATE TABLE incident_reports (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id TEXT NOT NULL,
            run_id TEXT NOT NULL,
            created_at REAL NOT NULL,
            markdown TEXT NOT NULL,
            json TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX incident_reports_incident ON incident_reports(incident_id, seq);
        CREATE TABLE recovery_attempts (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL,
            asset TEXT NOT NULL,
            schedule TEXT NOT NULL,
            cause TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            started_at REAL NOT NULL,
            finished_at REAL NOT NULL,
            result TEXT NOT NULL,
            detail TEXT NOT NULL,
            window_start REAL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX recovery_attempts_window ON recovery_attempts(schedule, window_start);
        CREATE TABLE triaged_runs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL UNIQUE,
            at REAL NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TABLE incidents (
            id TEXT PRIMARY KEY,
            dedup_key TEXT NOT NULL,
            asset TEXT NOT NULL,
            cause TEXT NOT NULL,
            schedule TEXT NOT NULL,
            state TEXT NOT NULL,
            title TEXT NOT NULL,
            summary TEXT NOT NULL,
            opened_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            resolved_at REAL,
            occurrences INTEGER NOT NULL,
            last_run_id TEXT NOT NULL,
            references_json TEXT NOT NULL
        );
        CREATE INDEX incidents_dedup ON incidents(dedup_key, opened_at);
        CREATE INDEX incidents_asset ON incidents(asset, state);
        -- One open incident per dedup key, enforced by the schema.
        CREATE UNIQUE INDEX incidents_one_open ON incidents(dedup_key) WHERE state = 'open';
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id TEXT NOT NULL,
            target TEXT NOT NULL,
            action TEXT NOT NULL,
            payload_json TEXT NOT NULL,
            created_at REAL NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at REAL NOT NULL,
            in_doubt INTEGER NOT NULL,
            last_error TEXT,
            finished_at REAL
        );
        CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
        CREATE INDEX outbox_incident ON outbox(incident_id, target, id);
        """

    static func appendOnlyTriggers(_ db: Database, table: String) throws {
        try db.execute(
            sql: """
                CREATE TRIGGER \(table)_append_only_update BEFORE UPDATE ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(table) is append-only: rows cannot be updated'); END;
                CREATE TRIGGER \(table)_append_only_delete BEFORE DELETE ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(table) is append-only: rows cannot be deleted'); END;
                """)
    }
}
