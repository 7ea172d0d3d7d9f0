import BackstopCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// ``WorkLeases`` as rows of `work_claims` (``WorkClaims``), claimed on the store's pool. The
/// database grants a key to one holder at a time; the set kept here stops two tasks of this
/// same process (the same holder to the database) from both working on a key.
final class PostgresWorkLeases: WorkLeases {
    let store: PostgresStore
    let holder: String
    let lease: Duration
    let logger: Logger
    private let working = Mutex<Set<String>>([])

    init(store: PostgresStore, holder: String, lease: Duration, logger: Logger) {
        self.store = store
        self.holder = holder
        self.lease = lease
        self.logger = logger
    }

    func claim(_ keys: [String], limit: Int) async -> [String] {
        let candidates = working.withLock { working in keys.filter { !working.contains($0) } }
        guard !candidates.isEmpty, limit > 0 else { return [] }
        // Granted so far, kept across a failure half-way (each claim commits by itself).
        let claimed = Mutex<[String]>([])
        do {
            try await withClaims { claims in
                for key in candidates where claimed.withLock({ $0.count }) < limit {
                    // Reserved here first, so a second task of this process skips it meanwhile.
                    guard self.working.withLock({ $0.insert(key).inserted }) else { continue }
                    if try await claims.claim(key, lease: self.lease) {
                        claimed.withLock { $0.append(key) }
                    } else {
                        self.working.withLock { _ = $0.remove(key) }
                    }
                }
            }
        } catch {
            logger.error("could not claim work in the shared store; trying again later", metadata: ["error": "\(error)"])
        }
        let granted = claimed.withLock { $0 }
        // A key reserved when the connection failed and not granted goes back.
        working.withLock { working in
            for key in candidates where !granted.contains(key) { working.remove(key) }
        }
        return granted
    }

    func renew(_ keys: [String]) async -> Set<String> {
        var held: Set<String> = []
        do {
            held = try await withClaims { claims in
                var held: Set<String> = []
                for key in keys where try await claims.renew(key, lease: self.lease) { held.insert(key) }
                return held
            }
        } catch {
            logger.error("could not renew work leases in the shared store", metadata: ["error": "\(error)"])
        }
        let lost = Set(keys).subtracting(held)
        // Lost keys are not this process's any more: it may claim them again like anyone.
        working.withLock { $0.subtract(lost) }
        for lost in lost {
            logger.warning("a work lease expired before it was renewed; another replica may take it", metadata: ["key": "\(lost)"])
        }
        return held
    }

    func release(_ keys: [String]) async {
        do {
            try await withClaims { claims in
                for key in keys { try await claims.release(key) }
            }
        } catch {
            // Not lost: the lease expires on its own, and the work is in the record.
            logger.warning("could not release work leases; they expire on their own", metadata: ["error": "\(error)"])
        }
        working.withLock { working in for key in keys { working.remove(key) } }
    }

    /// Runs `body` with the claims of one pooled connection, under the connection watch.
    private func withClaims<Result: Sendable>(_ body: @escaping @Sendable (WorkClaims) async throws -> Result) async throws -> Result {
        try await store.withConnection { connection in
            try await PostgresConnectionWatch.run(on: connection) { connection in
                try await body(WorkClaims(connection: connection, holder: self.holder, logger: self.logger))
            }
        }
    }
}

/// ``DecisionLock`` as a PostgreSQL session advisory lock on a connection of its own, so it is
/// held across the desk's several statements and freed by PostgreSQL if this process dies.
actor PostgresDecisionLock: DecisionLock {
    /// "backstop desk" in ASCII, apart from the migrations' key.
    static let key: Int64 = 0x6465_736B_6273_7470
    let configuration: PostgresStoreConfiguration
    let logger: Logger
    private var connection: PostgresConnection?

    init(configuration: PostgresStoreConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    func lock() async throws(StoreError) {
        do {
            let connection = try await connected()
            let logger = logger
            try await PostgresConnectionWatch.run(on: connection) { connection in
                try await connection.query("SELECT pg_advisory_lock(\(Self.key))", logger: logger)
            }
        } catch {
            await drop()
            throw StoreError(PostgresStoreError("taking the incident desk's lock in \(configuration)", underlying: error).message)
        }
    }

    func unlock() async {
        do {
            if let connection {
                let logger = logger
                try await PostgresConnectionWatch.run(on: connection) { connection in
                    try await connection.query("SELECT pg_advisory_unlock(\(Self.key))", logger: logger)
                }
            }
        } catch {
            // Closing the session frees the lock all the same.
            logger.warning("could not release the incident desk's lock; closing its connection", metadata: ["error": "\(error)"])
            await drop()
        }
    }

    private func connected() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        let made = try await PostgresConnector(configuration).connect(logger: logger, id: 0)
        connection = made
        return made
    }

    private func drop() async {
        try? await connection?.close()
        connection = nil
    }

    deinit {
        // postgres-nio asserts that a connection is closed before it is freed (a debug build
        // crashed on SIGTERM here), and a deinit cannot await the close: the completion
        // handler keeps the connection until the close has finished.
        guard let connection else { return }
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }
}

extension PostgresStore: SharedStore {
    package func workLeases(holder: String, logger: Logger) -> any WorkLeases {
        let leases = PostgresWorkLeases(store: self, holder: holder, lease: configuration.lease, logger: logger)
        guard let buffer else { return leases }
        return BufferedWorkLeases(shared: leases, buffer: buffer)
    }

    package func decisionLock(logger: Logger) -> any DecisionLock {
        PostgresDecisionLock(configuration: configuration, logger: logger)
    }

    /// With a buffer, a PostgreSQL that does not answer within the buffer's deadline is taken
    /// as down (the scheduler then verifies the window without claims) rather than waited on.
    package func verifiedAssets(schedule: String, windowStart: Date) async throws(StoreError) -> Set<String> {
        guard let buffer else { return try await storedVerifiedAssets(schedule: schedule, windowStart: windowStart) }
        do throws(StoreError) {
            return try await Deadline.run(buffer.writeDeadline) { () throws(StoreError) in
                try await self.storedVerifiedAssets(schedule: schedule, windowStart: windowStart)
            }
        } catch {
            if error.isUnavailable, buffer.unreachableSince == nil { buffer.markUnreachable(error) }
            throw error
        }
    }

    private func storedVerifiedAssets(schedule: String, windowStart: Date) async throws(StoreError) -> Set<String> {
        let start = windowStart.timeIntervalSince1970
        return try await read("reading the verified assets of \(schedule)'s window") { connection in
            Set(
                try await self.fetchAll(
                    connection,
                    """
                    SELECT DISTINCT o.asset FROM outcomes o JOIN runs r ON r.id = o.run_id
                    WHERE o.schedule = \(schedule) AND o.window_start = \(start)
                    AND r.trigger_kind = 'schedule' AND r.status != 'aborted'
                    """
                ).map { $0["asset"] as String })
        }
    }
}
