import Logging

/// `backstop verify-record` on `storage.postgres`: connects, checks the schema is one this
/// Backstop knows, and recomputes every record table's chain. It reads only, and migrates
/// nothing: an empty database is reported, not initialised.
package enum PostgresRecordVerifier {
    package static func verify(
        _ store: PostgresStoreConfiguration, logger: Logger
    ) async throws(PostgresStoreError) -> (rows: Int, breaks: [ChainBreak]) {
        try await PostgresConnector(store).withConnection(logger: logger) { connection throws(PostgresStoreError) in
            let version = try await PostgresSchemaVersion.current(connection, logger: logger)
            guard let version, version >= 1 else {
                throw PostgresStoreError("\(store) holds no Backstop record (no schema_migrations); is this the right database?")
            }
            return try await PostgresHashChain.verify(connection, logger: logger)
        }
    }
}
