/// The record's tables on PostgreSQL: the same tables, columns, order and hash-chain fields as
/// SQLite's (``RecordSchema``), with SQLite's affinities as PostgreSQL types (INTEGER → BIGINT,
/// REAL → DOUBLE PRECISION), so a row hashes the same on both and `verify-record` means the same.
/// One statement per string: postgres-nio's extended protocol runs one command per query.
/// Only the append-only record is here; the incident ledger's current state and the outbox
/// follow the store protocols of issue 15.
enum PostgresRecordDDL {
    static let tables: [String] = [
        """
        CREATE TABLE runs (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            trigger_kind TEXT NOT NULL,
            trigger_detail TEXT,
            started_at DOUBLE PRECISION NOT NULL,
            finished_at DOUBLE PRECISION NOT NULL,
            status TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        """
        CREATE INDEX runs_trigger ON runs(trigger_kind, trigger_detail)
        """,
        """
        CREATE TABLE outcomes (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id TEXT NOT NULL,
            asset TEXT NOT NULL,
            schedule TEXT NOT NULL,
            window_start DOUBLE PRECISION,
            window_end DOUBLE PRECISION,
            window_closes_at DOUBLE PRECISION,
            state TEXT NOT NULL,
            artifact_path TEXT,
            artifact_size BIGINT,
            artifact_mtime DOUBLE PRECISION,
            produced_at DOUBLE PRECISION,
            late BIGINT NOT NULL,
            bytes_hashed BIGINT NOT NULL,
            verified_at DOUBLE PRECISION NOT NULL,
            cause TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        """
        CREATE INDEX outcomes_asset ON outcomes(asset, seq)
        """,
        """
        CREATE INDEX outcomes_run ON outcomes(run_id)
        """,
        """
        CREATE TABLE checks (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id TEXT NOT NULL,
            asset TEXT NOT NULL,
            position BIGINT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            message TEXT NOT NULL,
            expected TEXT,
            actual TEXT,
            excerpt TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        """
        CREATE INDEX checks_run ON checks(run_id)
        """,
        """
        CREATE TABLE restore_tests (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id TEXT NOT NULL,
            asset TEXT NOT NULL,
            artifact_path TEXT NOT NULL,
            started_at DOUBLE PRECISION NOT NULL,
            duration_seconds DOUBLE PRECISION NOT NULL,
            status TEXT NOT NULL,
            message TEXT NOT NULL,
            expected TEXT,
            actual TEXT,
            excerpt TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        """
        CREATE INDEX restore_tests_asset ON restore_tests(asset, seq)
        """,
        """
        CREATE INDEX restore_tests_run ON restore_tests(run_id)
        """,
        """
        CREATE TABLE events (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            asset TEXT NOT NULL,
            received_at DOUBLE PRECISION NOT NULL,
            report_json TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE diagnoses (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id TEXT NOT NULL,
            asset TEXT NOT NULL,
            cause TEXT NOT NULL,
            confidence DOUBLE PRECISION NOT NULL,
            rule TEXT NOT NULL,
            evidence_json TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        """
        CREATE INDEX diagnoses_run ON diagnoses(run_id)
        """,
        """
        CREATE TABLE alert_notifications (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            received_at DOUBLE PRECISION NOT NULL,
            receiver TEXT NOT NULL,
            status TEXT NOT NULL,
            group_key TEXT NOT NULL,
            dedup_key TEXT NOT NULL UNIQUE,
            notification_json TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE alert_transitions (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            starts_at BIGINT NOT NULL, -- milliseconds since 1970
            status TEXT NOT NULL,
            action TEXT NOT NULL,
            notification_id TEXT NOT NULL,
            alert_name TEXT NOT NULL,
            asset TEXT NOT NULL,
            incident_id TEXT,
            at DOUBLE PRECISION NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        """
        CREATE UNIQUE INDEX alert_transitions_once ON alert_transitions(fingerprint, starts_at, status)
        """,
        """
        CREATE INDEX alert_transitions_incident ON alert_transitions(incident_id)
        """,
        """
        CREATE TABLE incident_events (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            incident_id TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        """
        CREATE INDEX incident_events_incident ON incident_events(incident_id, seq)
        """,
        """
        CREATE TABLE incident_reports (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            incident_id TEXT NOT NULL,
            run_id TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            markdown TEXT NOT NULL,
            json TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        """
        CREATE INDEX incident_reports_incident ON incident_reports(incident_id, seq)
        """,
        """
        CREATE TABLE recovery_attempts (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id TEXT NOT NULL,
            asset TEXT NOT NULL,
            schedule TEXT NOT NULL,
            cause TEXT NOT NULL,
            attempt BIGINT NOT NULL,
            started_at DOUBLE PRECISION NOT NULL,
            finished_at DOUBLE PRECISION NOT NULL,
            result TEXT NOT NULL,
            detail TEXT NOT NULL,
            window_start DOUBLE PRECISION,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        """
        CREATE INDEX recovery_attempts_window ON recovery_attempts(schedule, window_start)
        """,
        """
        CREATE TABLE triaged_runs (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id TEXT NOT NULL UNIQUE,
            at DOUBLE PRECISION NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
    ]

    /// Refuses UPDATE, DELETE and TRUNCATE on a record table, as SQLite's triggers refuse
    /// UPDATE and DELETE. The message names the table, as SQLite's does.
    static let refuseChangeFunction = """
        CREATE FUNCTION backstop_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: rows cannot be %', TG_TABLE_NAME,
                CASE TG_OP WHEN 'UPDATE' THEN 'updated' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END;
        END
        $$
        """

    static func appendOnlyTriggers(_ table: String) -> [String] {
        [
            "CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION backstop_refuse_change()",
            "CREATE TRIGGER \(table)_append_only_truncate BEFORE TRUNCATE ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION backstop_refuse_change()",
        ]
    }
}
