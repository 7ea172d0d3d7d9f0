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
                + PostgresHashChain.tables.flatMap { PostgresRecordDDL.appendOnlyTriggers($0.name) }),
        PostgresMigration(version: 2, name: "work claims", statements: [WorkClaims.ddl]),
        PostgresMigration(version: 3, name: "incident ledger and outbox", statements: PostgresLedgerDDL.statements),
    ]
}
