import Foundation
import GRDB

/// The SQLite side of `backstop migrate-store`: a consistent snapshot of the store taken with
/// SQLite's online backup API (so a `serve` still running on the file does not make the copy
/// see half a run), brought to this Backstop's schema in the snapshot only. The source file is
/// opened read-only and never changed.
struct SQLiteSnapshot: Sendable {
    let source: String
    let path: String
    private let directory: String

    static func take(_ source: String) throws(StoreMigrationError) -> SQLiteSnapshot {
        guard FileManager.default.fileExists(atPath: source) else {
            throw StoreMigrationError("--from sqlite:\(source): no such file; name the storage.sqlite file of the Backstop to move")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-migrate-\(UUID().uuidString)").path
        let path = directory + "/snapshot.db"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var readOnly = GRDB.Configuration()
            readOnly.readonly = true
            let original = try DatabaseQueue(path: source, configuration: readOnly)
            defer { try? original.close() }
            let isRecord = try original.read { db in
                try db.tableExists("grdb_migrations")
                    && (try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM grdb_migrations WHERE identifier = 'v1 record')") ?? false)
            }
            guard isRecord else {
                throw StoreMigrationError(
                    "--from sqlite:\(source) holds no Backstop record (no 'v1 record' migration); is it the right file?")
            }
            let copy = try DatabaseQueue(path: path)
            try original.backup(to: copy)
            // A store written by an older Backstop gets the tables and columns this one copies.
            try RecordSchema.migrator.migrate(copy)
            try copy.close()
        } catch let error as StoreMigrationError {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw StoreMigrationError("cannot read --from sqlite:\(source) as a Backstop store: \(error)")
        }
        return SQLiteSnapshot(source: source, path: path, directory: directory)
    }

    /// Removes the snapshot (it holds a copy of the record, which may be sensitive).
    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Opens the snapshot read-only for `body`.
    func reading<Result: Sendable>(_ body: @Sendable (DatabaseQueue) async throws -> Result) async throws(StoreMigrationError) -> Result {
        do {
            var readOnly = GRDB.Configuration()
            readOnly.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: readOnly)
            defer { try? queue.close() }
            return try await body(queue)
        } catch let error as StoreMigrationError {
            throw error
        } catch {
            throw StoreMigrationError("reading the snapshot of \(source): \(error)")
        }
    }

    /// Up to `limit` rows of `table` after `rowid`, in rowid order (`seq`, the outbox's `id`,
    /// and the incidents' insertion order), with the rowid to continue after.
    static func rows(
        _ queue: DatabaseQueue, of table: MigratedTable, after rowid: Int64, limit: Int
    ) async throws -> (last: Int64, rows: [[DatabaseValue]]) {
        try await queue.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT rowid AS migrate_rowid, \(table.columns.joined(separator: ", ")) FROM \(table.name) "
                    + "WHERE rowid > ? ORDER BY rowid LIMIT ?",
                arguments: [rowid, limit])
            let last: Int64 = rows.last?["migrate_rowid"] ?? rowid
            return (last, rows.map { row in table.columns.map { row[$0] as DatabaseValue } })
        }
    }

    static func count(_ queue: DatabaseQueue, _ table: MigratedTable) async throws -> Int {
        try await queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.name)") ?? 0 }
    }
}
