import BackstopCore
import GRDB
import Logging
import PostgresNIO

/// `backstop migrate-store`: moves a single-node SQLite record into an empty PostgreSQL store.
///
/// All or nothing: the whole copy is one PostgreSQL transaction, which also holds every copied
/// table locked against writers, checks the target is empty, and verifies the copied chains
/// before committing. A copy that stops half-way (an error, a kill, a lost connection) leaves
/// the target as it was, so the remedy is always to run it again. A resumable copy was not
/// chosen: a half-copied chain cannot be told from a broken one, and a replica started on it
/// would append to a partial record.
package enum StoreMigration {
    /// What was copied, for the command's report.
    package struct Summary: Sendable {
        package var sourceRows: Int
        package var copied: [(table: String, rows: Int)]
        package var targetRows: Int
    }

    /// Rows per INSERT: 500 rows of at most 18 columns stay far below PostgreSQL's 65,535 binds.
    static let batch = 500

    package static func run(
        from source: String, to target: PostgresStoreConfiguration, logger: Logger, progress: @Sendable (String) -> Void
    ) async throws(StoreMigrationError) -> Summary {
        let snapshot = try SQLiteSnapshot.take(source)
        defer { snapshot.remove() }
        let checked: (rows: Int, breaks: [ChainBreak])
        do {
            checked = try SQLiteRunStore.verifyChains(readOnlyAt: snapshot.path)
        } catch {
            throw StoreMigrationError("verifying the chains of \(source): \(error.message)")
        }
        guard checked.breaks.isEmpty else {
            throw StoreMigrationError(
                "the record in \(source) is broken, so nothing was copied: "
                    + checked.breaks.map(\.description).joined(separator: "; ")
                    + " (`backstop verify-record --store \(source)` shows the same)")
        }
        progress("source \(source): \(checked.rows) record rows, every hash chain verified")

        let copied: [(table: String, rows: Int)]
        do {
            copied = try await PostgresConnector(target).withConnection(logger: logger) { connection throws(PostgresStoreError) in
                try await PostgresMigrator.migrate(connection, logger: logger)
                do {
                    return try await copy(snapshot, into: connection, target: target, logger: logger)
                } catch {
                    throw PostgresStoreError("copying into \(target)", underlying: error)
                }
            }
        } catch {
            throw StoreMigrationError(error.message)
        }

        // Verified again after the commit, on a new connection, as `verify-record` would.
        let after: (rows: Int, breaks: [ChainBreak])
        do {
            after = try await PostgresRecordVerifier.verify(target, logger: logger)
        } catch {
            throw StoreMigrationError("the copy was committed but could not be verified: \(error.message); run `backstop verify-record`")
        }
        guard after.breaks.isEmpty, after.rows == checked.rows else {
            throw StoreMigrationError(
                "the copy in \(target) does not verify (\(after.rows) of \(checked.rows) rows): "
                    + after.breaks.map(\.description).joined(separator: "; "))
        }
        return Summary(sourceRows: checked.rows, copied: copied, targetRows: after.rows)
    }

    /// The transaction: lock, refuse a non-empty target, copy each table, move the identities
    /// past the copied rows, and verify the chains before the commit.
    private static func copy(
        _ snapshot: SQLiteSnapshot, into connection: PostgresConnection, target: PostgresStoreConfiguration, logger: Logger
    ) async throws -> [(table: String, rows: Int)] {
        let tables = MigratedTable.all
        return try await connection.withTransaction(logger: logger) { connection in
            // SHARE ROW EXCLUSIVE conflicts with every write, so a replica started too early
            // waits for the commit instead of appending into the middle of the copy.
            let names = tables.map(\.name).joined(separator: ", ")
            try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(names) IN SHARE ROW EXCLUSIVE MODE"), logger: logger)
            try await refuseNonEmpty(connection, tables: tables, target: target, logger: logger)
            var copied: [(table: String, rows: Int)] = []
            for table in tables {
                let rows = try await snapshot.reading { queue in
                    try await copy(table, from: queue, source: snapshot.source, into: connection, logger: logger)
                }
                copied.append((table.name, rows))
            }
            let (rows, breaks) = try await PostgresHashChain.verify(connection, logger: logger)
            let expected = copied.filter { table in RecordSchema.recordTables.contains { $0.name == table.table } }
                .reduce(0) { $0 + $1.rows }
            guard breaks.isEmpty, rows == expected else {
                throw StoreMigrationError(
                    "the copied record does not verify on PostgreSQL (\(rows) of \(expected) rows), so nothing was committed: "
                        + breaks.map(\.description).joined(separator: "; "))
            }
            return copied
        }
    }

    private static func refuseNonEmpty(
        _ connection: PostgresConnection, tables: [MigratedTable], target: PostgresStoreConfiguration, logger: Logger
    ) async throws {
        var filled: [String] = []
        for table in tables {
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table.name)"), logger: logger)
            for try await count in rows.decode(Int64.self) where count > 0 { filled.append("\(table.name): \(count) rows") }
        }
        guard filled.isEmpty else {
            throw StoreMigrationError(
                "\(target) already holds a Backstop record (\(filled.joined(separator: ", "))); migrate-store only fills an "
                    + "empty store, so nothing was copied. Point --to at a new, empty database (CREATE DATABASE …), or drop this one "
                    + "if it is a failed attempt of your own")
        }
    }

    /// Copies one table in batches; returns the rows copied.
    private static func copy(
        _ table: MigratedTable, from queue: DatabaseQueue, source: String, into connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        var after: Int64 = 0
        var copied = 0
        let columns = table.columns.joined(separator: ", ")
        let overriding = table.identity == nil ? "" : " OVERRIDING SYSTEM VALUE"
        while true {
            let (last, rows) = try await SQLiteSnapshot.rows(queue, of: table, after: after, limit: batch)
            if rows.isEmpty { break }
            var binds = PostgresBindings(capacity: rows.count * table.columns.count)
            var tuples: [String] = []
            for row in rows {
                let start = binds.count
                for (column, value) in zip(table.columns, row) { bind(value, column: column, of: table, into: &binds) }
                tuples.append("(" + (start + 1...start + table.columns.count).map { "$\($0)" }.joined(separator: ", ") + ")")
            }
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "INSERT INTO \(table.name) (\(columns))\(overriding) VALUES \(tuples.joined(separator: ", "))",
                    binds: binds),
                logger: logger)
            copied += rows.count
            after = last
        }
        if let identity = table.identity, copied > 0 {
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "SELECT setval(pg_get_serial_sequence('\(table.name)', '\(identity)'), max(\(identity))) FROM \(table.name)"
                ),
                logger: logger)
        }
        let expected = try await SQLiteSnapshot.count(queue, table)
        guard copied == expected else {
            throw StoreMigrationError("\(table.name): copied \(copied) rows of \(expected); nothing was committed")
        }
        return copied
    }

    /// One SQLite cell as the PostgreSQL column takes it. Text goes in PostgreSQL's exact form,
    /// and a blob (text that held NUL, ``ExactText``) as the same text escaped
    /// (``PostgresExactText``), so each row hashes on PostgreSQL as it did on SQLite.
    private static func bind(_ value: DatabaseValue, column: String, of table: MigratedTable, into binds: inout PostgresBindings) {
        switch value.storage {
        case .null: binds.appendNull()
        case .int64(let number) where table.booleans.contains(column): binds.append(number != 0)
        case .int64(let number): binds.append(number)
        case .double(let number): binds.append(number)
        // Both in PostgresExactText's form: the store's String binding escapes text itself.
        case .string(let text): binds.append(text)
        case .blob(let bytes): binds.append(storedBytes: bytes)
        }
    }
}
