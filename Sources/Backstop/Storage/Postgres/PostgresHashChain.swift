import Logging
import PostgresNIO

/// The record's hash chains on PostgreSQL, computed exactly as on SQLite (``RecordValue``).
/// Appends to one table are serialised by a table lock held to the end of the transaction, so
/// with several replicas writing, each row's `prev_hash` is the hash of the row committed
/// before it and `seq` follows the chain.
package enum PostgresHashChain {
    package static let genesis = String(repeating: "0", count: 64)

    /// The record tables and their data columns in hashing order, the same as SQLite's.
    package static var tables: [(name: String, columns: [String])] { RecordSchema.recordTables }

    /// Appends a row to `table`; call it inside a transaction (the lock lasts until its end).
    /// Text holding NUL (a blob on SQLite) is stored in ``PostgresExactText``'s form.
    package static func append(
        _ connection: PostgresConnection, table: String, values: [RecordValue], logger: Logger
    ) async throws(PostgresStoreError) {
        try await append(connection, table: table, rows: [values], logger: logger)
    }

    /// Appends rows to `table` in order, taking the lock and reading the chain's end once (a
    /// batch of the intake, ``GroupCommit``, or a triage batch's rows of one table); inside a
    /// transaction, so all rows commit or none.
    package static func append(
        _ connection: PostgresConnection, table: String, rows: [[RecordValue]], logger: Logger
    ) async throws(PostgresStoreError) {
        guard !rows.isEmpty else { return }
        try await append(connection, rows: rows, holding: try await lock(table, connection, logger: logger), logger: logger)
    }

    /// A table's chain lock, held by the current transaction until its end (``lock(_:_:logger:)``).
    /// A writer that must check the table before it appends (an intake's dedup look-up, an
    /// approval's open request) takes it first and appends with it, so no other replica appends
    /// in between and the append does not lock again.
    package struct TableLock: Sendable {
        package let table: String
        fileprivate init(table: String) { self.table = table }
    }

    /// Takes the lock every append to `table` takes.
    package static func lock(
        _ table: String, _ connection: PostgresConnection, logger: Logger
    ) async throws(PostgresStoreError) -> TableLock {
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(table) IN SHARE ROW EXCLUSIVE MODE"), logger: logger)
        } catch {
            throw PostgresStoreError("locking \(table)", underlying: error)
        }
        return TableLock(table: table)
    }

    /// Appends rows, in order, to the table whose lock the transaction holds.
    package static func append(
        _ connection: PostgresConnection, rows: [[RecordValue]], holding lock: TableLock, logger: Logger
    ) async throws(PostgresStoreError) {
        guard !rows.isEmpty else { return }
        let table = lock.table
        let columns = RecordSchema.columns(of: table)
        for values in rows { try check(values, table: table, columns: columns) }
        do {
            var previous = genesis
            let last = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT hash FROM \(table) ORDER BY seq DESC LIMIT 1"), logger: logger)
            for try await hash in last.decode(String.self) { previous = hash }
            let width = columns.count + 2
            // One statement for many rows (one round trip), within PostgreSQL's 65,535 parameters;
            // the rows of a VALUES list are inserted, and take their `seq`, in the order listed.
            let rowsPerStatement = max(1, 30_000 / width)
            for start in stride(from: 0, to: rows.count, by: rowsPerStatement) {
                let chunk = rows[start..<min(start + rowsPerStatement, rows.count)]
                var binds = PostgresBindings(capacity: chunk.count * width)
                for row in chunk {
                    let values = row.map(\.exact)
                    let hash = RecordValue.digest(previous: previous, values: values)
                    for value in values { bind(value, into: &binds) }
                    binds.append(previous)
                    binds.append(hash)
                    previous = hash
                }
                let tuples = (0..<chunk.count).map { row in
                    "(" + (1...width).map { "$\(row * width + $0)" }.joined(separator: ", ") + ")"
                }
                let insert =
                    "INSERT INTO \(table) (\(columns.joined(separator: ", ")), prev_hash, hash) VALUES \(tuples.joined(separator: ", "))"
                try await connection.query(PostgresQuery(unsafeSQL: insert, binds: binds), logger: logger)
            }
        } catch {
            throw PostgresStoreError("appending to \(table)", underlying: error)
        }
    }

    private static func check(_ values: [RecordValue], table: String, columns: [String]) throws(PostgresStoreError) {
        guard !columns.isEmpty, columns.count == values.count else {
            throw PostgresStoreError("internal: \(values.count) values for the \(columns.count) columns of \(table)")
        }
    }

    /// Recomputes every record table's chain; returns the rows read and each table's first break.
    package static func verify(_ connection: PostgresConnection, logger: Logger) async throws(PostgresStoreError) -> (
        rows: Int, breaks: [ChainBreak]
    ) {
        var rows = 0
        var breaks: [ChainBreak] = []
        for (table, _) in tables {
            let (count, broken) = try await verify(connection, table: table, logger: logger)
            rows += count
            if let broken { breaks.append(broken) }
        }
        return (rows, breaks)
    }

    /// Recomputes one table's chain; the first break, or nil when intact.
    package static func verify(
        _ connection: PostgresConnection, table: String, logger: Logger
    ) async throws(PostgresStoreError) -> (rows: Int, break: ChainBreak?) {
        let columns = RecordSchema.columns(of: table)
        var previous = genesis
        var count = 0
        do {
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT seq, \(columns.joined(separator: ", ")), prev_hash, hash FROM \(table) ORDER BY seq"),
                logger: logger)
            for try await row in rows {
                count += 1
                let cells = Array(row)
                let seq = try cells[0].decode(Int64.self)
                let storedPrevious = try cells[cells.count - 2].decode(String.self)
                let stored = try cells[cells.count - 1].decode(String.self)
                let values = try cells[1..<(cells.count - 2)].map(value(of:))
                if storedPrevious != previous {
                    return (
                        count,
                        ChainBreak(
                            table: table, seq: seq,
                            problem: "prev_hash does not match the hash of the row before it (a row was removed or reordered)")
                    )
                }
                if RecordValue.digest(previous: previous, values: values) != stored {
                    return (count, ChainBreak(table: table, seq: seq, problem: "content does not match its hash (the row was modified)"))
                }
                previous = stored
            }
        } catch {
            throw PostgresStoreError("verifying \(table)", underlying: error)
        }
        return (count, nil)
    }

    /// Binds a record value as its column stores it (text and blobs in ``PostgresExactText``'s
    /// form); `migrate-store` binds the rows it copies the same way.
    package static func bind(_ value: RecordValue, into binds: inout PostgresBindings) {
        switch value {
        case .null: binds.appendNull()
        case .integer(let number): binds.append(number)
        case .real(let number): binds.append(number)
        case .text(let text): binds.append(text)
        case .blob(let bytes): binds.append(storedBytes: bytes)
        }
    }

    /// A stored cell as the storage class it is hashed as, by its PostgreSQL type.
    private static func value(of cell: PostgresCell) throws -> RecordValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int8, .int4, .int2: return .integer(try cell.decode(Int64.self))
        case .float8, .float4: return .real(try cell.decode(Double.self))
        case .text, .varchar: return PostgresExactText.read(try cell.decode(String.self))
        default:
            throw PostgresStoreError("column \(cell.columnName) has type \(cell.dataType), which the record does not use")
        }
    }
}
