import Logging
import PostgresNIO

/// Statements that cannot outlive their connection.
///
/// postgres-nio (1.33.2) can leave a statement waiting forever when PostgreSQL dies under it
/// (`pg_ctl stop -m immediate`, a crash, a killed backend): the connection is closed, yet the
/// statement's answer never comes, and `withTransaction`'s ROLLBACK after the failure waits the
/// same way. A SIGTERM'd `serve` then never exits: a verification in flight waits on its run's
/// write. Seen in the chaos campaign; reproduced in `PostgresConnectionWatchTests`.
///
/// So every statement of `serve` runs here: in a task of its own, answered by the statement or,
/// once the connection is closed and the statement has not answered within ``grace``, by
/// ``PostgresConnectionLost`` (PostgreSQL unreachable: retried, or buffered). The abandoned
/// task waits on a closed connection and holds nothing else. Transactions are BEGIN, the body,
/// COMMIT; a failed one is rolled back only on a connection still open (a closed session's
/// transaction is already rolled back by PostgreSQL).
package enum PostgresConnectionWatch {
    /// How long a statement may still answer by itself after its connection closed (its own
    /// error is the better message).
    static let grace: Duration = .seconds(1)
    /// How often the watch looks at the connection while a statement runs.
    static let poll: Duration = .milliseconds(200)

    /// `body` on `connection`, or ``PostgresConnectionLost`` once the connection closed under it.
    @discardableResult
    package static func run<Value: Sendable>(
        on connection: PostgresConnection, _ body: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let answer = FirstAnswer<Value, any Error>()
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, any Error>, Never>) in
            answer.waiting(continuation)
            Task {
                do {
                    answer.give(.success(try await body(connection)))
                } catch {
                    answer.give(.failure(error))
                }
            }
            let watch = Task {
                // The polling period, not a synchronisation: the answer ends the watch.
                while !answer.given, !connection.isClosed {
                    do { try await Task.sleep(for: poll) } catch { return }
                }
                try? await Task.sleep(for: grace)
                answer.give(.failure(PostgresConnectionLost()))
            }
            answer.whenGiven { watch.cancel() }
        }
        return try result.get()
    }

    /// `body` in one transaction on `connection`: all of it commits, or none.
    @discardableResult
    package static func transaction<Value: Sendable>(
        on connection: PostgresConnection, logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        try await run(on: connection) { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let value = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                if !connection.isClosed {
                    // Best effort: the original error is the answer; a closed session rolls back by itself.
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                }
                throw error
            }
        }
    }
}

/// A statement whose connection closed under it without an answer (PostgreSQL went away).
package struct PostgresConnectionLost: Error, CustomStringConvertible {
    package var description: String { "the connection to PostgreSQL closed before the statement answered" }
}
