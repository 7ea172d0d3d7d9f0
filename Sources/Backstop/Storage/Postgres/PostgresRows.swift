import GRDB
import PostgresNIO

/// PostgreSQL rows as GRDB rows, so the row mappings the SQLite store uses (``IncidentRow``,
/// ``OutboxRow``, ``OutcomeRow``, ``RunRow``) read PostgreSQL's rows too, with the same
/// defaults, instead of a second hand-written copy of each mapping per backend.
enum PostgresRows {
    /// Runs `query` and collects its rows.
    static func fetchAll(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws -> [Row] {
        var rows: [Row] = []
        for try await row in try await connection.query(query, logger: logger) {
            rows.append(try self.row(row))
        }
        return rows
    }

    static func fetchOne(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws -> Row? {
        try await fetchAll(connection, query, logger: logger).first
    }

    /// Runs a statement that returns no rows the caller needs.
    static func execute(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws {
        try await connection.query(query, logger: logger)
    }

    /// One row, each cell by the storage class its PostgreSQL type maps to (the record's types:
    /// BIGINT, DOUBLE PRECISION, TEXT; BOOLEAN as 0/1, as SQLite keeps it).
    private static func row(_ row: PostgresRow) throws -> Row {
        var values: [String: (any DatabaseValueConvertible)?] = [:]
        for cell in row {
            guard cell.bytes != nil else {
                values[cell.columnName] = DatabaseValue.null
                continue
            }
            switch cell.dataType {
            case .int8, .int4, .int2: values[cell.columnName] = try cell.decode(Int64.self)
            case .float8, .float4: values[cell.columnName] = try cell.decode(Double.self)
            case .bool: values[cell.columnName] = try cell.decode(Bool.self) ? Int64(1) : Int64(0)
            case .text, .varchar, .name, .bpchar:
                switch PostgresExactText.read(try cell.decode(String.self)) {
                // Bytes, as SQLite's reader gets a blob: GRDB decodes them as the same String.
                case .blob(let bytes): values[cell.columnName] = bytes
                case .text(let text): values[cell.columnName] = text
                default: values[cell.columnName] = DatabaseValue.null
                }
            default:
                throw PostgresStoreError("internal: column \(cell.columnName) has type \(cell.dataType), which the store does not read")
            }
        }
        return Row(values)
    }
}
