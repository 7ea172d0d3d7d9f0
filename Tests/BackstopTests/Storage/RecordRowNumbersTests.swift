import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Testing

@testable import Backstop

/// Migration "v9" rebuilds the tables the intake and triage append to without `AUTOINCREMENT`
/// (``RecordSchema/rowNumberedTables``): every row, hash and index stays, the append-only
/// triggers still refuse changes, and new rows are numbered on after the copied ones.
@Suite struct RecordRowNumbersTests {
    static let rows: [(table: String, values: [any DatabaseValueConvertible & Sendable])] = [
        ("alert_notifications", ["ntf_1", 1_000.0, "r", "firing", "g", "k1", "{}"]),
        ("alert_notifications", ["ntf_2", 1_001.0, "r", "resolved", "g", "k2", "{}"]),
        ("alert_transitions", ["fp-1", 5, "firing", "opened", "ntf_1", "BackupFailed", "orders-db", "inc_1", 1_000.0]),
        ("alert_transitions", ["fp-1", 5, "resolved", "resolved", "ntf_2", "BackupFailed", "orders-db", "inc_1", 1_001.0]),
        ("triaged_runs", ["ntf_1", 1_000.5]),
        ("triaged_runs", ["ntf_2", 1_001.5]),
    ]

    static func schema(_ db: Database, of table: String) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT type || ' ' || name FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') ORDER BY name",
            arguments: [table])
    }

    @Test func aRecordMadeBeforeKeepsItsRowsAndChainsAndNumbersOn() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("backstop.db")
        let queue = try DatabaseQueue(path: path)
        try RecordSchema.migrator.migrate(queue, upTo: "v8 notification repeats in a window")
        let before = try queue.write { db in
            for row in Self.rows { try HashChain.append(db, table: row.table, values: row.values) }
            return try RecordSchema.rowNumberedTables.map { table in
                (try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY seq"), try Self.schema(db, of: table))
            }
        }
        let sequenced = try await queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'triaged_runs'")
        }
        #expect(sequenced == 1, "before v9, the table is numbered through sqlite_sequence")
        try queue.close()

        let store = try SQLiteRunStore(path: path)
        let after = try store.database.read { db in
            try RecordSchema.rowNumberedTables.map { table in
                (try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY seq"), try Self.schema(db, of: table))
            }
        }
        for (table, ((rowsBefore, schemaBefore), (rowsAfter, schemaAfter))) in zip(RecordSchema.rowNumberedTables, zip(before, after)) {
            #expect(rowsAfter == rowsBefore, "\(table)")
            #expect(schemaAfter == schemaBefore, "\(table): its indexes and triggers are made again")
        }
        try Self.expectNumberedByRowid(store)
        #expect(try await store.verifyChains().breaks.isEmpty)
        for table in RecordSchema.rowNumberedTables {
            await #expect(throws: (any Error).self, "\(table) is append-only") {
                try await store.database.write { db in try db.execute(sql: "DELETE FROM \(table)") }
            }
        }
        #expect(try await store.appendNotification(NotificationRepeatsTests.notification("ntf_3", key: "k3")) == .appended)
        let seqs = try await store.database.read { db in try Int64.fetchAll(db, sql: "SELECT seq FROM alert_notifications ORDER BY seq") }
        #expect(seqs == [1, 2, 3])
        #expect(try await store.verifyChains().breaks.isEmpty)
    }

    @Test func aNewRecordNumbersItsIntakeTablesByRowid() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        try Self.expectNumberedByRowid(store)
    }

    static func expectNumberedByRowid(_ store: SQLiteRunStore) throws {
        let found = try store.database.read { db in
            try RecordSchema.rowNumberedTables.map { table in
                (
                    try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table]) ?? "",
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_sequence WHERE name LIKE ?", arguments: [table + "%"]) ?? -1
                )
            }
        }
        for (table, (definition, sequenceRows)) in zip(RecordSchema.rowNumberedTables, found) {
            #expect(definition.contains("seq INTEGER PRIMARY KEY") && !definition.contains("AUTOINCREMENT"), "\(table): \(definition)")
            #expect(sequenceRows == 0, "\(table) has no row in sqlite_sequence")
        }
    }
}
