import BackstopCore
import Crypto
import Foundation
import GRDB

/// Chains each record row to the previous row of its table: `hash = SHA-256(prev_hash ‖ row)`.
/// Editing or removing any row (after dropping the triggers, or with a hex editor) breaks
/// every hash after it, which `backstop verify-record` reports. Text with NUL characters is
/// stored as a blob (``ExactText``), so what is hashed is exactly what is stored.
enum HashChain {
    static let genesis = String(repeating: "0", count: 64)

    /// Appends a row to a record table, computing its place in the chain.
    static func append(_ db: Database, table: String, values: [any DatabaseValueConvertible & Sendable]) throws {
        try append(db, table: table, rows: [values])
    }

    /// Appends rows to a record table in order, reading the chain's end once: a batch of the
    /// intake (``GroupCommit``) costs one lookup, not one per row. The statements are prepared
    /// once per connection (GRDB's statement cache).
    static func append(_ db: Database, table: String, rows: [[any DatabaseValueConvertible & Sendable]]) throws {
        try append(db, table: table, storedRows: rows.map { ExactText.storedValues($0) })
    }

    /// Appends rows already in stored form (``ExactText/storedValues(_:)``, text with NUL
    /// characters as blobs): a batch can work that out before it takes the writer.
    static func append(_ db: Database, table: String, storedRows rows: [[DatabaseValue]]) throws {
        guard !rows.isEmpty else { return }
        let columns = RecordSchema.columns(of: table)
        let last = try db.cachedStatement(sql: "SELECT hash FROM \(table) ORDER BY seq DESC LIMIT 1")
        var previous = try String.fetchOne(last) ?? genesis
        let placeholders = Array(repeating: "?", count: columns.count + 2).joined(separator: ", ")
        let insert = try db.cachedStatement(
            sql: "INSERT INTO \(table) (\(columns.joined(separator: ", ")), prev_hash, hash) VALUES (\(placeholders))")
        // One array of arguments for every row, refilled: a new one per row, and a copy of it
        // to add the two hashes, were allocations under the write lock.
        var arguments: [DatabaseValue] = []
        arguments.reserveCapacity(columns.count + 2)
        for databaseValues in rows {
            guard columns.count == databaseValues.count else {
                throw StoreError("internal: \(databaseValues.count) values for the \(columns.count) columns of \(table)")
            }
            // Already in stored form: hashed without searching the text for NUL again.
            let hash = RecordValue.digest(previous: previous, values: databaseValues.lazy.map(RecordValue.init(stored:)))
            arguments.removeAll(keepingCapacity: true)
            arguments.append(contentsOf: databaseValues)
            arguments.append(previous.databaseValue)
            arguments.append(hash.databaseValue)
            try insert.execute(arguments: StatementArguments(databaseValues: arguments))
            previous = hash
        }
    }

    /// Recomputes a table's chain; returns a description of the first break, or nil when intact.
    static func verify(_ db: Database, table: String) throws -> ChainBreak? {
        let columns = RecordSchema.columns(of: table)
        let rows = try Row.fetchCursor(
            db, sql: "SELECT seq, \(columns.joined(separator: ", ")), prev_hash, hash FROM \(table) ORDER BY seq")
        var previous = genesis
        var count = 0
        while let row = try rows.next() {
            count += 1
            let seq: Int64 = row["seq"]
            let stored: String = row["hash"]
            let storedPrevious: String = row["prev_hash"]
            let values = columns.map { row[$0] as DatabaseValue }
            if storedPrevious != previous {
                return ChainBreak(
                    table: table, seq: seq,
                    problem: "prev_hash does not match the hash of the row before it (a row was removed or reordered)")
            }
            if digest(previous: previous, values: values) != stored {
                return ChainBreak(table: table, seq: seq, problem: "content does not match its hash (the row was modified)")
            }
            previous = stored
        }
        return nil
    }

    /// SQLite's row hashes through the same function as PostgreSQL's (``RecordValue``), so a
    /// record copied between them verifies on both.
    private static func digest(previous: String, values: [DatabaseValue]) -> String {
        RecordValue.digest(previous: previous, values: values.map { RecordValue($0) })
    }
}

/// Where a table's hash chain is broken.
package struct ChainBreak: Sendable, Equatable, CustomStringConvertible {
    package var table: String
    package var seq: Int64
    package var problem: String
    package var description: String { "\(table) row \(seq): \(problem)" }

    package init(table: String, seq: Int64, problem: String) {
        self.table = table
        self.seq = seq
        self.problem = problem
    }
}
