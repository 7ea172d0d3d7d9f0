import Synchronization

/// The first of several racing answers: it resumes the waiting caller, later ones are dropped.
///
/// For a call that must not be waited on past a bound (``Deadline``, ``PostgresConnectionWatch``):
/// a task group would wait for its slowest child, and postgres-nio can hold a call for a minute
/// or, after a crash, for ever. So the call and its bound run as tasks of their own, and the
/// caller waits on this instead.
final class FirstAnswer<Success: Sendable, Failure: Error>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<Success, Failure>, Never>?
        var given = false
        var onGiven: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    var given: Bool { state.withLock { $0.given } }

    func waiting(_ continuation: CheckedContinuation<Result<Success, Failure>, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Runs `action` once an answer is given (at once if it already was).
    func whenGiven(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.given { return true }
            state.onGiven = action
            return false
        }
        if now { action() }
    }

    func give(_ result: Result<Success, Failure>) {
        let (continuation, action) = state.withLock {
            state -> (CheckedContinuation<Result<Success, Failure>, Never>?, (@Sendable () -> Void)?) in
            guard !state.given else { return (nil, nil) }
            state.given = true
            defer { (state.continuation, state.onGiven) = (nil, nil) }
            return (state.continuation, state.onGiven)
        }
        continuation?.resume(returning: result)
        action?()
    }
}
