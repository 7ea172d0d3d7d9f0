/// The incident ledger's current-state tables on PostgreSQL (`incidents`, `outbox`): updated in
/// place and not part of the hash-chained record, as on SQLite (``RecordSchema``). Columns as
/// SQLite's, with INTEGER → BIGINT, REAL → DOUBLE PRECISION and the outbox's flag a BOOLEAN.
enum PostgresLedgerDDL {
    static let statements: [String] = [
        """
        CREATE TABLE incidents (
            id TEXT PRIMARY KEY,
            dedup_key TEXT NOT NULL,
            asset TEXT NOT NULL,
            cause TEXT NOT NULL,
            schedule TEXT NOT NULL,
            state TEXT NOT NULL,
            title TEXT NOT NULL,
            summary TEXT NOT NULL,
            opened_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            resolved_at DOUBLE PRECISION,
            occurrences BIGINT NOT NULL,
            last_run_id TEXT NOT NULL,
            references_json TEXT NOT NULL
        )
        """,
        "CREATE INDEX incidents_dedup ON incidents(dedup_key, opened_at)",
        "CREATE INDEX incidents_asset ON incidents(asset, state)",
        // One open incident per dedup key, enforced by the schema (as on SQLite).
        "CREATE UNIQUE INDEX incidents_one_open ON incidents(dedup_key) WHERE state = 'open'",
        """
        CREATE TABLE outbox (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            incident_id TEXT NOT NULL,
            target TEXT NOT NULL,
            action TEXT NOT NULL,
            payload_json TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            state TEXT NOT NULL,
            attempts BIGINT NOT NULL,
            next_attempt_at DOUBLE PRECISION NOT NULL,
            in_doubt BOOLEAN NOT NULL,
            last_error TEXT,
            finished_at DOUBLE PRECISION,
            sink_note TEXT
        )
        """,
        "CREATE INDEX outbox_due ON outbox(state, next_attempt_at)",
        "CREATE INDEX outbox_incident ON outbox(incident_id, target, id)",
    ]
}
