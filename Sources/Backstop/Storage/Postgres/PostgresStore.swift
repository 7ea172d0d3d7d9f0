import BackstopCore
import Foundation
import GRDB
import Logging
import PostgresNIO

/// The record, the incident ledger with its outbox and the alert intake on PostgreSQL, behind
/// the same protocols as ``SQLiteRunStore`` (`RunStore`, `IncidentStore`, `AlertIntakeStore`),
/// through a postgres-nio connection pool. Every statement is parameterised; what SQLite
/// writes in one transaction is written in one transaction here, and record rows are chained
/// by ``PostgresHashChain`` exactly as SQLite chains them, so `verify-record` agrees.
package final class PostgresStore: Sendable {
    package let configuration: PostgresStoreConfiguration
    let client: PostgresClient
    let logger: Logger
    /// Runs the pool; cancelled by ``close()`` or when the store goes.
    private let running: Task<Void, Never>

    /// Connects and brings the schema up to date (safe with several replicas starting at once).
    package static func open(_ configuration: PostgresStoreConfiguration, logger: Logger) async throws(StoreError) -> PostgresStore {
        let store: PostgresStore
        do {
            store = try PostgresStore(configuration, logger: logger)
        } catch {
            throw StoreError(error.message)
        }
        do {
            _ = try await store.client.withConnection { connection in
                try await PostgresMigrator.migrate(connection, logger: logger)
            }
        } catch {
            store.close()
            throw StoreError(PostgresStoreError("opening the PostgreSQL store \(configuration)", underlying: error).message)
        }
        return store
    }

    private init(_ configuration: PostgresStoreConfiguration, logger: Logger) throws(PostgresStoreError) {
        self.configuration = configuration
        self.logger = logger
        let client = PostgresClient(
            configuration: try PostgresConnector(configuration).clientConfiguration(), backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
    }

    /// Closes the pool's connections.
    package func close() {
        running.cancel()
    }

    deinit {
        running.cancel()
    }

    // MARK: - Plumbing

    /// Reads on one pooled connection.
    func read<Value: Sendable>(
        _ doing: String, _ body: @Sendable (PostgresConnection) async throws -> Value
    ) async throws(StoreError) -> Value {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw StoreError(PostgresStoreError("\(doing) in \(configuration)", underlying: error).message)
        }
    }

    /// Writes in one transaction: all of it commits, or none.
    func write<Value: Sendable>(
        _ doing: String, _ body: @Sendable (PostgresConnection) async throws -> Value
    ) async throws(StoreError) -> Value {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch {
            throw StoreError(PostgresStoreError("\(doing) in \(configuration)", underlying: error).message)
        }
    }

    func fetchAll(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [Row] {
        try await PostgresRows.fetchAll(connection, query, logger: logger)
    }

    func fetchOne(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> Row? {
        try await PostgresRows.fetchAll(connection, query, logger: logger).first
    }

    func execute(_ connection: PostgresConnection, _ query: PostgresQuery) async throws {
        try await PostgresRows.execute(connection, query, logger: logger)
    }

    /// Appends one record row to its table's hash chain (inside the caller's transaction).
    func append(_ connection: PostgresConnection, table: String, values: RecordRows.Values) async throws {
        try await append(connection, table: table, rows: [values])
    }

    /// Appends rows to one record table in order (a batch: one lock, one read of the chain's end).
    func append(_ connection: PostgresConnection, table: String, rows: [RecordRows.Values]) async throws {
        try await PostgresHashChain.append(
            connection, table: table, rows: rows.map { $0.map { RecordValue($0.databaseValue) } }, logger: logger)
    }

    /// Checks every record table's hash chain; the rows read and each table's first break.
    package func verifyChains() async throws(StoreError) -> (rows: Int, breaks: [ChainBreak]) {
        try await read("verifying the record") { connection in
            try await PostgresHashChain.verify(connection, logger: self.logger)
        }
    }
}

/// Every store protocol together (the conformances are in the `+` files).
extension PostgresStore: RecordStore {}
