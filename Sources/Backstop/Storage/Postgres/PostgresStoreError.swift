import BackstopCore
import PostgresNIO

/// A PostgreSQL store failure, with the server's own message (postgres-nio's errors print a
/// generic "Database error" on purpose, so the text is taken from the fields it keeps).
package struct PostgresStoreError: Error, CustomStringConvertible {
    package var message: String
    /// PostgreSQL's SQLSTATE when the server refused (e.g. P0001 for a trigger's RAISE).
    package var sqlState: String?
    /// The server could not be reached (``PostgresUnavailability``), not a refused statement.
    package var isUnavailable = false
    package var description: String { message }

    package init(_ message: String, sqlState: String? = nil) {
        self.message = message
        self.sqlState = sqlState
    }

    /// `doing` says what was attempted, e.g. "connecting to postgres://backstop@db:5432/backstop".
    package init(_ doing: String, underlying error: any Error) {
        let (text, state) = Self.explain(error)
        self.init("\(doing): \(text)", sqlState: state)
        isUnavailable = PostgresUnavailability.isUnavailable(error)
    }

    /// As the store's protocols throw it, keeping whether the server was unreachable.
    package var storeError: StoreError { StoreError(message, isUnavailable: isUnavailable) }

    private static func explain(_ error: any Error) -> (String, String?) {
        if let error = error as? PostgresStoreError { return (error.message, error.sqlState) }
        if let transaction = error as? PostgresTransactionError,
            let inner = transaction.closureError ?? transaction.commitError ?? transaction.beginError
        {
            return explain(inner)
        }
        if let error = error as? PSQLError {
            if let info = error.serverInfo, let message = info[.message] {
                let detail = info[.detail].map { " (\($0))" } ?? ""
                return ("\(message)\(detail)", info[.sqlState])
            }
            if let underlying = error.underlying { return ("\(error.code): \(underlying)", nil) }
            return ("\(error.code)", nil)
        }
        return ("\(error)", nil)
    }
}
