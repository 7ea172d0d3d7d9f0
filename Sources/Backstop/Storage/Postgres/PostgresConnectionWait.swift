import PostgresNIO
import Synchronization

/// A pooled connection within a bound, or none at all.
///
/// postgres-nio's pool holds a request for a connection about a minute while PostgreSQL cannot be
/// reached, and then still serves it if PostgreSQL came back meanwhile. A webhook on a replica
/// without `storage.postgres.buffer` then hangs past its sender's timeout, and its write may
/// commit long after the sender gave up and sent it elsewhere: one event stored twice.
///
/// Here a call that has no connection within the bound gives up before any statement ran, so
/// its answer (unavailable, 503) is the truth: nothing of it is ever written. Giving up cancels
/// the pool's request, which postgres-nio removes from its queue. A call that got its connection
/// in time is never cut by the bound: its statements run under ``PostgresConnectionWatch``.
package enum PostgresConnectionWait {
    /// `body` on a connection from `client`, or ``PostgresConnectionWaitExceeded`` when the
    /// pool had none to give within `limit` (then `body` never runs).
    package static func withConnection<Value: Sendable>(
        from client: PostgresClient, within limit: Duration, _ body: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let claim = Claim()
        return try await withThrowingTaskGroup(of: Outcome<Value>.self) { group in
            group.addTask {
                .answered(
                    try await client.withConnection { connection in
                        // Lost to the bound: the caller was already told "unavailable".
                        guard claim.take(.connected) else { throw PostgresConnectionWaitExceeded(limit: limit) }
                        return try await body(connection)
                    })
            }
            group.addTask {
                // The bound itself, not a synchronisation. Cancelled (the call answered, or the
                // caller was cancelled): no verdict, the call's own answer stands.
                do { try await Task.sleep(for: limit) } catch { return .noVerdict }
                return claim.take(.abandoned) ? .abandoned : .noVerdict
            }
            do {
                while let outcome = try await group.next() {
                    switch outcome {
                    case .answered(let value):
                        group.cancelAll()
                        return value
                    case .abandoned:
                        // Cancels the pool's request; the group then ends at once.
                        group.cancelAll()
                        throw PostgresConnectionWaitExceeded(limit: limit)
                    case .noVerdict:
                        continue
                    }
                }
            } catch {
                group.cancelAll()
                throw error
            }
            // Unreachable: the call's own child always yields an answer or an error.
            throw PostgresConnectionWaitExceeded(limit: limit)
        }
    }

    private enum Outcome<Value: Sendable>: Sendable {
        case answered(Value)
        case abandoned
        case noVerdict
    }

    /// Who decided first: the connection arriving or the bound passing; the other yields.
    private final class Claim: Sendable {
        enum Winner: UInt8 {
            case undecided = 0
            case connected = 1
            case abandoned = 2
        }
        private let winner = Atomic<UInt8>(Winner.undecided.rawValue)

        /// Whether `side` is the first (and only) to decide.
        func take(_ side: Winner) -> Bool {
            winner.compareExchange(expected: Winner.undecided.rawValue, desired: side.rawValue, ordering: .acquiringAndReleasing)
                .exchanged
        }
    }
}

/// The pool had no connection to PostgreSQL within the bound; nothing of the call ran.
package struct PostgresConnectionWaitExceeded: Error, CustomStringConvertible {
    package let limit: Duration
    package var description: String { "no connection to PostgreSQL within \(limit) (is it running and reachable?)" }
}
