import Synchronization

/// One request a fake answered (or is holding), for tests to assert on and await.
package struct ReceivedRequest: Sendable, CustomStringConvertible {
    package var method: String
    package var path: String
    /// The status answered; nil while the request is held by ``Fault/hang``.
    package var status: Int?
    /// The planned fault it got instead of being handled, if any.
    package var fault: Fault?

    /// Whether the fake handled it and answered 2xx.
    package var accepted: Bool { fault == nil && status.map { (200..<300).contains($0) } ?? false }

    package var description: String { "\(method) \(path) → \(status.map(String.init) ?? "held")\(fault.map { " (\($0))" } ?? "")" }
}

/// Every request a fake saw, in order, with ways to wait for the Nth instead of sleeping.
package final class RequestLog: Sendable {
    private struct Waiter {
        var count: Int
        var acceptedOnly: Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var requests: [ReceivedRequest] = []
        var waiters: [Waiter] = []
    }

    /// Each request as it is answered (held requests when they arrive).
    package let events = EventRecorder<ReceivedRequest>()
    private let state = Mutex(State())

    package init() {}

    package var requests: [ReceivedRequest] { state.withLock { $0.requests } }

    package var acceptedCount: Int { state.withLock { $0.requests.count(where: \.accepted) } }

    func record(_ request: ReceivedRequest) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.requests.append(request)
            let total = state.requests.count
            let accepted = state.requests.count(where: \.accepted)
            let due = state.waiters.filter { $0.count <= ($0.acceptedOnly ? accepted : total) }
            state.waiters.removeAll { $0.count <= ($0.acceptedOnly ? accepted : total) }
            return due.map(\.continuation)
        }
        events.record(request)
        for continuation in ready { continuation.resume() }
    }

    /// Returns once at least `count` requests were accepted (answered 2xx without a fault).
    package func waitForAccepted(_ count: Int) async {
        await wait(count, acceptedOnly: true)
    }

    /// Returns once at least `count` requests were answered or are being held.
    package func waitForRequests(_ count: Int) async {
        await wait(count, acceptedOnly: false)
    }

    private func wait(_ count: Int, acceptedOnly: Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let reached = state.withLock { state -> Bool in
                let have = acceptedOnly ? state.requests.count(where: \.accepted) : state.requests.count
                if have >= count { return true }
                state.waiters.append(Waiter(count: count, acceptedOnly: acceptedOnly, continuation: continuation))
                return false
            }
            if reached { continuation.resume() }
        }
    }
}
