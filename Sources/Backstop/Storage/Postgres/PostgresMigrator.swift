import Logging
import PostgresNIO

/// Brings a PostgreSQL database to the schema this Backstop knows, safely from several replicas
/// starting at once: everything happens in one transaction holding a transaction-level advisory
/// lock, so a second replica waits, then finds the versions applied and applies nothing. DDL is
/// transactional on PostgreSQL, so a failed migration leaves no half-made schema behind.
package enum PostgresMigrator {
    /// The advisory lock key ("backstop" in ASCII); any Backstop on the database takes the same.
    static let lockKey: Int64 = 0x6261_636B_7374_6F70

    /// Applies the missing migrations; returns the versions this call applied.
    @discardableResult
    package static func migrate(
        _ connection: PostgresConnection, logger: Logger, migrations: [PostgresMigration] = PostgresMigration.all
    ) async throws(PostgresStoreError) -> [Int] {
        do {
            return try await PostgresConnectionWatch.transaction(on: connection, logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
                var present: Set<Int> = []
                for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                    .decode(Int.self)
                {
                    present.insert(version)
                }
                let known = Set(migrations.map(\.version))
                if let newer = present.subtracting(known).max() {
                    throw PostgresStoreError(
                        "the database schema is at version \(newer), newer than this Backstop knows (\(known.max() ?? 0)); "
                            + "upgrade this replica to the version the others run")
                }
                var applied: [Int] = []
                for migration in migrations.sorted(by: { $0.version < $1.version }) where !present.contains(migration.version) {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                    logger.info(
                        "applied PostgreSQL schema migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                    applied.append(migration.version)
                }
                return applied
            }
        } catch {
            throw PostgresStoreError("migrating the PostgreSQL schema", underlying: error)
        }
    }
}
