import BackstopCore
import Foundation
import GRDB
import Logging
import PostgresNIO
import Synchronization

/// The record, the incident ledger with its outbox and the alert intake on PostgreSQL, behind
/// the same protocols as ``SQLiteRunStore`` (`RunStore`, `IncidentStore`, `AlertIntakeStore`),
/// through a postgres-nio connection pool. Every statement is parameterised; what SQLite
/// writes in one transaction is written in one transaction here, and record rows are chained
/// by ``PostgresHashChain`` exactly as SQLite chains them, so `verify-record` agrees.
package final class PostgresStore: Sendable {
    package let configuration: PostgresStoreConfiguration
    /// The pool of connections; replaced once after an outage (``replacePool()``).
    var client: PostgresClient { pool.withLock { $0.client } }
    let logger: Logger
    /// With `storage.postgres.buffer`: takes intake writes while PostgreSQL is down.
    package let buffer: StoreBuffer?
    /// The pool and the task running it (cancelled by ``close()`` or when the store goes).
    private let pool: Mutex<(client: PostgresClient, running: Task<Void, Never>)>

    /// Connects and brings the schema up to date (safe with several replicas starting at once).
    /// With a buffer, a PostgreSQL that cannot be reached does not stop the start: the store
    /// runs on the buffer, and the schema is brought up to date when PostgreSQL answers.
    package static func open(_ configuration: PostgresStoreConfiguration, logger: Logger) async throws(StoreError) -> PostgresStore {
        // The buffer opens first: what it holds from before a stop drains once PostgreSQL answers.
        let buffer = try configuration.buffer.map { path throws(StoreError) in try StoreBuffer(path: path, logger: logger) }
        let store: PostgresStore
        do {
            store = try PostgresStore(configuration, buffer: buffer, logger: logger)
        } catch {
            throw StoreError(error.message)
        }
        if let buffer, try await store.startsWithoutPostgres(buffer) { return store }
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

    private init(_ configuration: PostgresStoreConfiguration, buffer: StoreBuffer?, logger: Logger) throws(PostgresStoreError) {
        self.configuration = configuration
        self.buffer = buffer
        self.logger = logger
        pool = Mutex(try Self.startPool(configuration, logger: logger))
    }

    private static func startPool(
        _ configuration: PostgresStoreConfiguration, logger: Logger
    ) throws(PostgresStoreError) -> (client: PostgresClient, running: Task<Void, Never>) {
        let client = PostgresClient(
            configuration: try PostgresConnector(configuration).clientConfiguration(), backgroundLogger: logger)
        // Detached: a pool replaced from inside a service (the buffer's drain) must not inherit
        // that service's graceful shutdown (postgres-nio's run() ends with it), or a SIGTERM
        // would close the store while the other services still finish their work on it.
        return (client, Task.detached { await client.run() })
    }

    /// A new pool after an outage. postgres-nio's pool backs off its reconnection attempts up to
    /// a minute apart, so after a long outage it may wait that long after PostgreSQL is back;
    /// the buffer's drain, which found PostgreSQL back on a connection of its own, starts a
    /// fresh pool instead. Calls in flight on the old pool fail (as they would have) and are retried.
    func replacePool() throws(PostgresStoreError) {
        let fresh = try Self.startPool(configuration, logger: logger)
        let old = pool.withLock { pool in
            defer { pool = fresh }
            return pool.running
        }
        old.cancel()
    }

    /// Closes the pool's connections.
    package func close() {
        pool.withLock { $0.running.cancel() }
    }

    deinit {
        pool.withLock { $0.running.cancel() }
    }

    // MARK: - Plumbing

    /// Reads on one pooled connection.
    func read<Value: Sendable>(
        _ doing: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws(StoreError) -> Value {
        try failFastWhileUnreachable(doing)
        do {
            return try await withConnection { connection in try await PostgresConnectionWatch.run(on: connection, body) }
        } catch {
            throw PostgresStoreError("\(doing) in \(configuration)", underlying: error).storeError
        }
    }

    /// Writes in one transaction: all of it commits, or none.
    func write<Value: Sendable>(
        _ doing: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws(StoreError) -> Value {
        try failFastWhileUnreachable(doing)
        do {
            return try await withConnection { connection in
                try await PostgresConnectionWatch.transaction(on: connection, logger: self.logger, body)
            }
        } catch {
            throw PostgresStoreError("\(doing) in \(configuration)", underlying: error).storeError
        }
    }

    /// How long a call waits for a pooled connection before it fails as unavailable (without it,
    /// postgres-nio's pool holds the call about a minute; ``PostgresConnectionWait``).
    package static let connectionWait: Duration = .seconds(10)

    /// `body` on a pooled connection, or unavailable when none comes within ``connectionWait``.
    func withConnection<Value: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Value) async throws -> Value {
        try await PostgresConnectionWait.withConnection(from: client, within: Self.connectionWait, body)
    }

    /// While the buffer knows PostgreSQL is down, a call fails at once instead of waiting on the
    /// pool (which holds requests up to a minute before giving up): the board, the ledger and the
    /// outbox answer "unavailable" quickly, and the intake writes go to the buffer.
    private func failFastWhileUnreachable(_ doing: String) throws(StoreError) {
        guard let buffer, let since = buffer.unreachableSince else { return }
        throw StoreError(
            "\(doing) in \(configuration): PostgreSQL is unreachable since \(RFC3339.format(since)); writes wait in the buffer \(buffer.path)",
            isUnavailable: true)
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
        try await PostgresHashChain.append(connection, table: table, rows: rows.map(Self.recordValues), logger: logger)
    }

    /// Takes a record table's chain lock, to check the table before appending to it.
    func lock(_ table: String, _ connection: PostgresConnection) async throws -> PostgresHashChain.TableLock {
        try await PostgresHashChain.lock(table, connection, logger: logger)
    }

    /// Appends rows, in order, to the table whose lock the transaction took with ``lock(_:_:)``.
    func append(_ connection: PostgresConnection, rows: [RecordRows.Values], holding lock: PostgresHashChain.TableLock) async throws {
        try await PostgresHashChain.append(connection, rows: rows.map(Self.recordValues), holding: lock, logger: logger)
    }

    private static func recordValues(_ row: RecordRows.Values) -> [RecordValue] {
        row.map { RecordValue($0.databaseValue) }
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
