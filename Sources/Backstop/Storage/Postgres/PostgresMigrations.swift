/// The PostgreSQL schema's versions, in order. A version, once released, never changes: a new
/// change is a new version. ``PostgresMigrator`` applies the ones a database lacks.
package struct PostgresMigration: Sendable {
    package var version: Int
    package var name: String
    /// One SQL command per string (postgres-nio runs one command per query).
    var statements: [String]

    package static let all: [PostgresMigration] = [
        PostgresMigration(
            version: 1, name: "record",
            statements: [PostgresRecordDDL.refuseChangeFunction] + PostgresRecordDDL.tables
                + recordTablesOfVersion1.flatMap { PostgresRecordDDL.appendOnlyTriggers($0.name) }),
        PostgresMigration(version: 2, name: "work claims", statements: [WorkClaims.ddl]),
        PostgresMigration(version: 3, name: "incident ledger and outbox", statements: PostgresLedgerDDL.statements),
        PostgresMigration(version: 4, name: "approvals", statements: PostgresApprovalDDL.statements),
        // SQLite's "v7 checks by run and asset": an asset page reads one asset's checks of a run.
        PostgresMigration(
            version: 5, name: "checks by run and asset", statements: ["CREATE INDEX checks_run_asset ON checks(run_id, asset)"]),
        // Replicas ask which assets of a window are verified each time they look for work.
        PostgresMigration(
            version: 6, name: "outcomes by window", statements: ["CREATE INDEX outcomes_window ON outcomes(schedule, window_start)"]),
        // Repeats are found by a lookup under the chain's lock, which this index serves. Not
        // unique: a record migrated from SQLite holds the repeats older than SQLite's window
        // (NotificationRepeats), each one a notification Alertmanager did send.
        PostgresMigration(
            version: 7, name: "notification keys looked up",
            statements: [
                "ALTER TABLE alert_notifications DROP CONSTRAINT alert_notifications_dedup_key_key",
                "CREATE INDEX alert_notifications_dedup ON alert_notifications(dedup_key)",
            ]),
        // SQLite's "v10 pending outbox lines": a long queue for one incident drains in linear time.
        PostgresMigration(version: 8, name: "pending outbox lines", statements: [OutboxRow.pendingLineIndex]),
    ]

    /// The record tables version 1 created: all but the approval ones, which version 4 adds.
    private static let recordTablesOfVersion1 = RecordSchema.recordTables.filter { table in
        !ApprovalRows.tables.contains { $0.name == table.name }
    }
}
