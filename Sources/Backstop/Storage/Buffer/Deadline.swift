import BackstopCore

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
        let answer = FirstAnswer<Value, StoreError>()
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
}
