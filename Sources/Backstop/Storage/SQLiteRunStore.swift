import BackstopCore
import Foundation
import GRDB

/// The record in an SQLite file (WAL mode), through GRDB.
package final class SQLiteRunStore: RunStore {
    private let pool: DatabasePool
    private let checkpointer: WALCheckpointer
    /// The notifications accepted recently, to find repeats (``NotificationRepeats``).
    let notificationRepeats = NotificationRepeats()
    package let path: String
    package var location: String { path }

    /// Opens (creating if needed) the database and applies migrations. `walCheckpointed` is told
    /// of each background checkpoint (``WALCheckpointer``).
    package init(path: String, walCheckpointed: (@Sendable (WALCheckpointReport) -> Void)? = nil) throws(StoreError) {
        self.path = path
        do {
            let durable = try DurableSQLite.configuration(creatingDirectoryOf: path)
            var pooled = durable
            pooled.prepareDatabase { db in
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.writerFallbackPages)")
                if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKiB)") }
            }
            pool = try DurableSQLite.pool(at: path, configuration: pooled)
            try RecordSchema.migrator.migrate(pool)
            checkpointer = try WALCheckpointer(path: path, configuration: durable, checkpointed: walCheckpointed)
        } catch {
            throw StoreError(
                "cannot open the SQLite store at \(path): \(error.localizedDescription); check the path in storage.sqlite and that the directory is writable"
            )
        }
    }

    /// The writer's page cache, 8 times SQLite's default. When the record had a unique index on
    /// the notifications' dedup key, each notification stored looked up and inserted a random page
    /// of it, which under a storm outgrew 2 MiB: the writer, the one thread every commit goes
    /// through, then read those pages back from the kernel (`pread`, 4% of `serve`'s CPU). With
    /// 16 MiB: intake 7,389–7,702 → 7,788–8,136 notifications a second under 32 connections.
    /// Repeats are now found in memory (``NotificationRepeats``), but the triage's
    /// `alert_transitions` index, keyed by fingerprint, has the same shape: one random page per
    /// alert acted on. The readers keep SQLite's default; what they read (the board, the API) is small.
    package static let writerCacheKiB = 16_384

    /// The underlying pool, for tests and maintenance commands.
    package var database: DatabasePool { pool }

    // MARK: - Appending

    package func append(_ run: VerificationRun) async throws(StoreError) {
        let rows = RecordRows.rows(of: run)
        try await write { db in
            for row in rows { try HashChain.append(db, table: row.table, values: row.values) }
        }
    }

    package func append(_ event: CompletionEvent) async throws(StoreError) {
        try await append(events: [event])
    }

    /// Events that arrived together, in one transaction; the JSON is encoded before the write lock.
    package func append(events: [CompletionEvent]) async throws(StoreError) {
        let rows = events.map(RecordRows.values)
        try await write { db in try HashChain.append(db, table: "events", rows: rows) }
    }

    // MARK: - Reading

    package func unprocessedEvents() async throws(StoreError) -> [CompletionEvent] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, asset, received_at, report_json FROM events e
                    WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.trigger_kind = 'event' AND r.trigger_detail = e.id)
                    ORDER BY seq
                    """
            ).compactMap { row in
                RecordRows.event(id: row["id"], asset: row["asset"], receivedAt: row["received_at"], json: row["report_json"])
            }
        }
    }

    package func history(of assets: [String], sizeSamples: Int) async throws(StoreError) -> [String: AssetHistory] {
        try await read { db in
            var result: [String: AssetHistory] = [:]
            for asset in assets {
                var history = AssetHistory()
                history.recentHealthySizes = try Int64.fetchAll(
                    db,
                    sql:
                        "SELECT artifact_size FROM outcomes WHERE asset = ? AND state = 'healthy' AND artifact_size IS NOT NULL ORDER BY seq DESC LIMIT ?",
                    arguments: [asset, sizeSamples])
                history.lastRestoreTestAt = try Double.fetchOne(
                    db, sql: "SELECT started_at FROM restore_tests WHERE asset = ? ORDER BY seq DESC LIMIT 1", arguments: [asset]
                ).map(Date.init(timeIntervalSince1970:))
                let lastState = try String.fetchOne(
                    db, sql: "SELECT state FROM outcomes WHERE asset = ? ORDER BY seq DESC LIMIT 1", arguments: [asset])
                history.lastRunFailed = lastState.flatMap(BackupState.init(rawValue:))?.isFailure == true
                result[asset] = history
            }
            return result
        }
    }

    package func recentRuns(limit: Int) async throws(StoreError) -> [RunSummary] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*,
                      (SELECT COUNT(*) FROM outcomes o WHERE o.run_id = r.id) AS assets,
                      (SELECT COUNT(*) FROM outcomes o WHERE o.run_id = r.id AND o.state IN ('failed', 'missing')) AS failed,
                      (SELECT COUNT(*) FROM restore_tests t WHERE t.run_id = r.id) AS restore_tests
                    FROM runs r ORDER BY seq DESC LIMIT ?
                    """, arguments: [limit]
            ).map { row in
                RunSummary(
                    id: row["id"], trigger: RunRow.trigger(row), startedAt: Date(timeIntervalSince1970: row["started_at"]),
                    finishedAt: Date(timeIntervalSince1970: row["finished_at"]),
                    status: VerificationRun.Status(rawValue: row["status"]) ?? .failed, assets: row["assets"], failed: row["failed"],
                    restoreTests: row["restore_tests"])
            }
        }
    }

    package func run(id: String) async throws(StoreError) -> VerificationRun? {
        try await read { db in try RunRow.load(db, id: id) }
    }

    package func latestOutcomes() async throws(StoreError) -> [VerificationOutcome] {
        try await read { db in
            try Self.outcomes(
                db, sql: "SELECT * FROM outcomes WHERE seq IN (SELECT MAX(seq) FROM outcomes GROUP BY asset) ORDER BY asset")
        }
    }

    package func latestOutcome(asset: String) async throws(StoreError) -> VerificationOutcome? {
        try await read { db in
            try Self.outcomes(db, sql: "SELECT * FROM outcomes WHERE asset = ? ORDER BY seq DESC LIMIT 1", arguments: [asset]).first
        }
    }

    /// Outcome rows with their checks and diagnosis.
    private static func outcomes(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [VerificationOutcome] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let checks = try Row.fetchAll(
                db, sql: "SELECT * FROM checks WHERE run_id = ? AND asset = ? ORDER BY seq",
                arguments: [row["run_id"] as String, row["asset"] as String]
            ).compactMap(RunRow.check)
            var outcome = OutcomeRow.outcome(row, checks: checks)
            outcome.diagnosis = try RunRow.diagnoses(db, runID: row["run_id"], asset: outcome.asset)[outcome.asset]
            return outcome
        }
    }

    package func metricsSnapshot() async throws(StoreError) -> MetricsSnapshot {
        try await read { db in try MetricsQueries.snapshot(db) }
    }

    /// Checks every record table's hash chain; returns the breaks found (empty when intact).
    package func verifyChains() async throws(StoreError) -> (rows: Int, breaks: [ChainBreak]) {
        try await read { db in try Self.verifyChains(db) }
    }

    /// Checks the hash chains of a copy (`backstop backup-store`) opened read-only: checking
    /// must not change a single byte, or the copy would no longer match its checksum. Tables a
    /// copy from an older Backstop does not have yet are skipped.
    package static func verifyChains(readOnlyAt path: String) throws(StoreError) -> (rows: Int, breaks: [ChainBreak]) {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError("\(path): no such file") }
        do {
            var configuration = GRDB.Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in try verifyChains(db) }
        } catch {
            throw StoreError("cannot read \(path) as a Backstop store: \(error)")
        }
    }

    private static func verifyChains(_ db: Database) throws -> (rows: Int, breaks: [ChainBreak]) {
        var breaks: [ChainBreak] = []
        var rows = 0
        for (table, _) in RecordSchema.recordTables where try db.tableExists(table) {
            rows += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            if let broken = try HashChain.verify(db, table: table) { breaks.append(broken) }
        }
        return (rows, breaks)
    }

    // MARK: - Plumbing

    func write<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws(StoreError) -> Value {
        do {
            let value = try await pool.write(body)
            checkpointer.writeCommitted()
            return value
        } catch {
            throw StoreError("could not write to the SQLite store \(path): \(error)")
        }
    }

    func read<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws(StoreError) -> Value {
        do {
            return try await pool.read(body)
        } catch {
            throw StoreError("could not read the SQLite store \(path): \(error)")
        }
    }
}

/// Every store protocol together (the other conformances are in the `+` files).
extension SQLiteRunStore: RecordStore {}
