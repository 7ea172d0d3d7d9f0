import Synchronization

/// A failure a fake can be told to answer with instead of handling a request.
package enum Fault: Sendable, Equatable, CustomStringConvertible {
    /// Answer with this HTTP status and a body shaped like the service's own error for it.
    case status(Int)
    /// Answer as the service does when throttling (HTTP 429 for PagerDuty and Jira, Linear's
    /// own `RATELIMITED` error for Linear), with a `Retry-After` header.
    case rateLimited(retryAfterSeconds: Int)
    /// Never answer while the fake runs, so the client's timeout is what ends the request.
    case hang

    package var description: String {
        switch self {
        case .status(let code): "status \(code)"
        case .rateLimited(let seconds): "rate limited (retry after \(seconds)s)"
        case .hang: "hang"
        }
    }
}

/// The faults planned for a fake's coming requests. A faulted request changes no state.
package final class FaultPlan: Sendable {
    private struct State {
        var queued: [Fault] = []
        var outage: Fault?
        var released = false
        var hanging: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    package init() {}

    /// The next `count` requests fail with `fault`, after any already planned.
    package func failNext(_ count: Int, with fault: Fault) {
        state.withLock { $0.queued += Array(repeating: fault, count: max(0, count)) }
    }

    /// Every request fails with `fault` until this is called with nil. Faults planned with
    /// ``failNext(_:with:)`` are used up first.
    package func setOutage(_ fault: Fault?) {
        state.withLock { $0.outage = fault }
    }

    /// Requests currently held by ``Fault/hang``.
    package var hangingCount: Int { state.withLock { $0.hanging.count } }

    /// The fault for the request that just arrived, if any, using up a planned one.
    func next() -> Fault? {
        state.withLock { state in
            state.queued.isEmpty ? state.outage : state.queued.removeFirst()
        }
    }

    /// Holds the calling request until the fake stops (or the request's task is cancelled).
    func hangUntilReleased() async {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.released || Task.isCancelled { return true }
                    state.hanging[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.hanging.removeValue(forKey: id) }?.resume()
        }
    }

    /// Starts holding hung requests again (a fake can run more than once).
    func arm() {
        state.withLock { $0.released = false }
    }

    /// Lets every hung request go: the server can only shut down once its handlers return.
    func releaseHangs() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.released = true
            defer { state.hanging.removeAll() }
            return Array(state.hanging.values)
        }
        for continuation in waiting { continuation.resume() }
    }
}
