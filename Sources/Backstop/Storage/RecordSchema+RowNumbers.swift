import BackstopCore
import Foundation
import GRDB

extension RecordSchema {
    /// The tables the intake and triage append to for every notification, numbered by SQLite's
    /// rowid alone. `AUTOINCREMENT` kept each table's highest `seq` in `sqlite_sequence` too: every
    /// insert looked its table up there and wrote it back, so every commit of the intake wrote
    /// that page to the WAL and the checkpoint wrote it again (figures in docs/ARCHITECTURE.md,
    /// "Group commit"). It only differs from a plain rowid once the table's last row was deleted,
    /// and record tables cannot lose a row (``appendOnlyTriggers(_:table:)``): a new row's `seq`
    /// is the highest plus one either way.
    static let rowNumberedTables = ["alert_notifications", "alert_transitions", "triaged_runs"]

    static func registerRowNumbers(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9 intake tables numbered by rowid") { db in
            for table in rowNumberedTables { try rebuildWithoutAutoincrement(db, table: table) }
        }
    }

    /// Rebuilds `table` from its own definition without `AUTOINCREMENT` (SQLite cannot alter that
    /// in place): every row is copied as it is, with its `seq`, `prev_hash` and `hash`, so the
    /// hash chain is the same chain, and its indexes and append-only triggers are made again from
    /// their stored definitions. Its `sqlite_sequence` row goes: nothing reads it any more.
    static func rebuildWithoutAutoincrement(_ db: Database, table: String) throws {
        guard
            let definition = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table])
        else { throw StoreError("internal: the record has no table \(table) to rebuild") }
        let plain = definition.replacingOccurrences(of: " AUTOINCREMENT", with: "")
        guard plain != definition else { return }
        let rebuilt = "\(table)_rebuilt"
        let companions = try String.fetchAll(
            db,
            sql:
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name",
            arguments: [table])
        guard let nameEnd = plain.range(of: "(") else { throw StoreError("internal: cannot read the definition of \(table)") }
        try db.execute(sql: "CREATE TABLE \(rebuilt) " + plain[nameEnd.lowerBound...])
        let columns = try db.columns(in: table).map(\.name).joined(separator: ", ")
        try db.execute(sql: "INSERT INTO \(rebuilt) (\(columns)) SELECT \(columns) FROM \(table) ORDER BY seq")
        try db.execute(sql: "DROP TABLE \(table)")
        try db.execute(sql: "ALTER TABLE \(rebuilt) RENAME TO \(table)")
        for companion in companions { try db.execute(sql: companion) }
        try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name IN (?, ?)", arguments: [table, rebuilt])
    }
}
