import BackstopCore
import Logging

/// Opens the store the configuration names: `storage.postgres` (shared by replicas) or
/// `storage.sqlite` (embedded). The one place that picks a backend.
package enum RecordStores {
    package static func open(_ configuration: Configuration, logger: Logger) async throws(StoreError) -> any RecordStore {
        if let postgres = configuration.postgresStore {
            return try await PostgresStore.open(postgres, logger: logger)
        }
        return try SQLiteRunStore(path: configuration.sqlitePath)
    }
}

extension Configuration {
    /// The store as logs and messages name it (never a password).
    package var storeDescription: String { postgresStore?.description ?? sqlitePath }
}

extension RecordStores {
    /// `verify-record`: the configured store's chains, or those of an SQLite copy (`--store FILE`,
    /// opened read-only). Returns where it looked, the rows read and each table's first break.
    package static func verifyChains(
        _ configuration: Configuration?, copy: String?, logger: Logger
    ) async throws(StoreError) -> (location: String, rows: Int, breaks: [ChainBreak]) {
        if let copy {
            let (rows, breaks) = try SQLiteRunStore.verifyChains(readOnlyAt: copy)
            return (copy, rows, breaks)
        }
        guard let configuration else { throw StoreError("internal: verify-record needs a configuration or --store") }
        if let postgres = configuration.postgresStore {
            do {
                let (rows, breaks) = try await PostgresRecordVerifier.verify(postgres, logger: logger)
                return (postgres.description, rows, breaks)
            } catch {
                throw StoreError(error.message)
            }
        }
        let (rows, breaks) = try await SQLiteRunStore(path: configuration.sqlitePath).verifyChains()
        return (configuration.sqlitePath, rows, breaks)
    }

    /// `backup-store`: an online copy of the SQLite store (SQLite's backup API) to `destination`.
    package static func backUpSQLite(_ path: String, to destination: String) throws(StoreError) {
        try SQLiteRunStore(path: path).backup(to: destination)
    }
}
