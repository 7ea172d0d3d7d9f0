import BackstopCore
import Synchronization

/// Runs a PostgreSQL call with a deadline without waiting for it past the deadline.
///
/// A task group would wait for its child to finish, and postgres-nio's pool holds a request for
/// up to a minute while it cannot connect; so the call runs in a task of its own, and whichever
/// comes first, its answer or the deadline, answers the caller. A call that answers late may
/// still commit: the buffer then holds a write PostgreSQL has too, which the drain skips (each
/// item is stored once by its natural key).
enum Deadline {
    static func run<Value: Sendable>(
        _ limit: Duration, _ work: @escaping @Sendable () async throws(StoreError) -> Value
    ) async throws(StoreError) -> Value {
        let answer = Answer<Value>()
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, StoreError>, Never>) in
            answer.waiting(continuation)
            Task {
                do throws(StoreError) {
                    answer.give(.success(try await work()))
                } catch {
                    answer.give(.failure(error))
                }
            }
            Task {
                // The deadline itself, not a synchronisation: the answer wins if it comes first.
                try? await Task.sleep(for: limit)
                answer.give(.failure(StoreError(PostgresDeadlineExceeded(seconds: limit.seconds).description, isUnavailable: true)))
            }
        }
        return try result.get()
    }

    /// The first answer resumes the caller; later ones are dropped (the call already answered).
    private final class Answer<Value: Sendable>: Sendable {
        private let state = Mutex<(CheckedContinuation<Result<Value, StoreError>, Never>?, Bool)>((nil, false))

        func waiting(_ continuation: CheckedContinuation<Result<Value, StoreError>, Never>) {
            state.withLock { $0.0 = continuation }
        }

        func give(_ result: Result<Value, StoreError>) {
            let continuation = state.withLock { state -> CheckedContinuation<Result<Value, StoreError>, Never>? in
                guard !state.1, let continuation = state.0 else { return nil }
                state = (nil, true)
                return continuation
            }
            continuation?.resume(returning: result)
        }
    }
}
