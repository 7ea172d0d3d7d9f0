import BackstopCore
import Logging

/// Starting while PostgreSQL is down (`storage.postgres.buffer` set): the store opens on its
/// buffer, marked unreachable, and the schema's migrations wait until PostgreSQL answers; the
/// buffer's drain runs them (``migrateIfPending()``) before it writes anything. Without a
/// buffer an unreachable PostgreSQL stops the start, as nothing could be acknowledged.
extension PostgresStore {
    /// Asks PostgreSQL (briefly, on a connection of its own); true when it cannot be reached,
    /// so the store starts on `buffer`. A refusal (a wrong password, a missing database) is
    /// not an outage: it stops the start with its message.
    func startsWithoutPostgres(_ buffer: StoreBuffer) async throws(StoreError) -> Bool {
        do throws(StoreError) {
            try await Deadline.run(buffer.writeDeadline) { () throws(StoreError) in try await self.ping() }
            return false
        } catch {
            guard error.isUnavailable else {
                close()
                throw StoreError("opening the PostgreSQL store \(configuration): \(error.message)")
            }
            buffer.startedUnreachable(error)
            logger.warning(
                "starting without PostgreSQL: it cannot be reached, so webhooks, events and verification runs go to the buffer; the schema is migrated and the buffer drained once it answers",
                metadata: ["store": "\(configuration)", "buffer": "\(buffer.path)", "error": "\(error)"])
            return true
        }
    }

    /// Brings the schema up to date once PostgreSQL answers, if the store started without it.
    package func migrateIfPending() async throws(StoreError) {
        guard let buffer, buffer.status.schemaPending else { return }
        do throws(PostgresStoreError) {
            _ = try await PostgresConnector(configuration).withConnection(logger: logger) { connection async throws(PostgresStoreError) in
                try await PostgresMigrator.migrate(connection, logger: self.logger)
            }
        } catch {
            throw PostgresStoreError("migrating the PostgreSQL store \(configuration)", underlying: error).storeError
        }
        buffer.schemaMigrated()
        logger.notice("PostgreSQL answers: its schema is up to date; the buffer drains into it", metadata: ["store": "\(configuration)"])
    }
}
