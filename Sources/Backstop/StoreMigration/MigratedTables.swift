/// What `backstop migrate-store` copies from SQLite to PostgreSQL: every record table with its
/// `seq`, `prev_hash` and `hash` (so the chain on PostgreSQL is the very chain SQLite holds, not
/// a new one), and the incident ledger's current state (`incidents`) and the outbox with their
/// keys, so a pending delivery or an open incident carries on where the SQLite Backstop left it.
struct MigratedTable: Sendable {
    var name: String
    /// The columns copied, in the same order on both sides.
    var columns: [String]
    /// The identity column PostgreSQL numbers new rows with (moved past the copied ones), if any.
    var identity: String?
    /// INTEGER 0/1 on SQLite, BOOLEAN on PostgreSQL.
    var booleans: Set<String> = []

    /// Record tables first, in the record's order, then the ledger's state and the outbox.
    static var all: [MigratedTable] {
        RecordSchema.recordTables.map { table in
            MigratedTable(name: table.name, columns: ["seq"] + table.columns + ["prev_hash", "hash"], identity: "seq")
        } + [
            MigratedTable(
                name: "incidents",
                columns: [
                    "id", "dedup_key", "asset", "cause", "schedule", "state", "title", "summary", "opened_at", "updated_at",
                    "resolved_at", "occurrences", "last_run_id", "references_json",
                ]),
            MigratedTable(
                name: "outbox",
                columns: [
                    "id", "incident_id", "target", "action", "payload_json", "created_at", "state", "attempts", "next_attempt_at",
                    "in_doubt", "last_error", "finished_at", "sink_note",
                ],
                identity: "id", booleans: ["in_doubt"]),
        ]
    }
}

/// Why a migration stopped; the message says what to do. Nothing is left half-copied (the
/// copy is one PostgreSQL transaction), so the fix is to correct the cause and run it again.
package struct StoreMigrationError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }

    init(_ message: String) { self.message = message }
}
