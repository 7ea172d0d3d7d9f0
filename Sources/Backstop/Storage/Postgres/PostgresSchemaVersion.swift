import Logging
import PostgresNIO

/// The highest schema version applied to a database, read without changing anything.
package enum PostgresSchemaVersion {
    /// nil when the database has no `schema_migrations` table (Backstop never migrated it).
    package static func current(_ connection: PostgresConnection, logger: Logger) async throws(PostgresStoreError) -> Int? {
        do {
            var exists = false
            for try await found in try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
                .decode(Bool.self)
            {
                exists = found
            }
            guard exists else { return nil }
            var version = 0
            for try await value in try await connection.query("SELECT coalesce(max(version), 0) FROM schema_migrations", logger: logger)
                .decode(Int.self)
            {
                version = value
            }
            return version
        } catch {
            throw PostgresStoreError("reading the schema version", underlying: error)
        }
    }
}
