/// The retry-approval record on PostgreSQL: SQLite's three append-only, hash-chained tables
/// (``ApprovalRows``) with INTEGER → BIGINT and REAL → DOUBLE PRECISION. One decision and one
/// retry start per request are enforced by the schema (UNIQUE), as on SQLite.
enum PostgresApprovalDDL {
    static let statements: [String] =
        [
            """
            CREATE TABLE approval_requests (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                asset TEXT NOT NULL,
                action TEXT NOT NULL,
                argv_json TEXT NOT NULL,
                cause TEXT NOT NULL,
                run_id TEXT NOT NULL,
                schedule TEXT NOT NULL,
                requested_at DOUBLE PRECISION NOT NULL,
                expires_at DOUBLE PRECISION NOT NULL,
                reason TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )
            """,
            "CREATE INDEX approval_requests_asset ON approval_requests(asset, run_id)",
            """
            CREATE TABLE approval_decisions (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                approval_id TEXT NOT NULL UNIQUE,
                decision TEXT NOT NULL,
                at DOUBLE PRECISION NOT NULL,
                decided_by TEXT NOT NULL,
                comment TEXT,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE approval_retries (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                approval_id TEXT NOT NULL UNIQUE,
                started_at DOUBLE PRECISION NOT NULL,
                started_by TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )
            """,
        ] + ApprovalRows.tables.flatMap { PostgresRecordDDL.appendOnlyTriggers($0.name) }
}
