import PostgresNIO

/// Tells a PostgreSQL that cannot be reached (refused or closed connections, a server shutting
/// down or starting, the pool giving up on connecting, a write that did not answer in time) from a
/// statement the server refused (a constraint, bad SQL, a trigger). Only the first may wait in
/// the local buffer (`storage.postgres.buffer`); the second is an answer, and buffering it would
/// only postpone the same refusal.
package enum PostgresUnavailability {
    package static func isUnavailable(_ error: any Error) -> Bool {
        if let error = error as? PostgresStoreError { return error.isUnavailable }
        if error is PostgresDeadlineExceeded || error is PostgresConnectionLost || error is PostgresConnectionWaitExceeded { return true }
        if let transaction = error as? PostgresTransactionError,
            let inner = transaction.closureError ?? transaction.commitError ?? transaction.beginError
        {
            return isUnavailable(inner)
        }
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed: return true
            case .server:
                // Class 08 (connection exception), 57P01-57P05 (shutdown, crash, cannot connect now),
                // 53300 (too many connections): the server is there but cannot take the write now.
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300"
            default: return false
            }
        }
        // The pool's "circuit breaker tripped" (it could not connect for a while) is a
        // ConnectionPoolError of a module postgres-nio does not export, so it is known by its name.
        return String(describing: type(of: error)) == "ConnectionPoolError"
    }
}

/// A PostgreSQL call that did not answer within the buffer's deadline.
package struct PostgresDeadlineExceeded: Error, CustomStringConvertible {
    package let seconds: Double
    package var description: String { "PostgreSQL did not answer within \(seconds) s" }
}
