import Foundation
import Synchronization

/// Runs `work` and returns its result, or nil once `timeout` has passed without one.
///
/// Unlike a task group, this does not wait for work that ignores cancellation (a blocked
/// `stat` on a dead mount, a server that never answers): the caller moves on and the work
/// keeps only its own task or thread until it ends.
package func withDeadline<Value: Sendable>(
    _ timeout: Duration, _ work: @escaping @Sendable () async -> Value
) async -> Value? {
    let pending = Mutex<CheckedContinuation<Value?, Never>?>(nil)
    let finish: @Sendable (Value?) -> Void = { value in
        pending.withLock { continuation in
            continuation?.resume(returning: value)
            continuation = nil
        }
    }
    return await withCheckedContinuation { continuation in
        pending.withLock { $0 = continuation }
        let worker = Task.detached { finish(await work()) }
        Task.detached {
            try? await Task.sleep(for: timeout)
            worker.cancel()
            finish(nil)
        }
    }
}

/// Blocking work on a thread of its own, so it cannot hold one of the concurrency pool's few
/// threads; nil once `timeout` has passed.
package func withDeadline<Value: Sendable>(_ timeout: Duration, blocking work: @escaping @Sendable () -> Value) async -> Value? {
    await withDeadline(timeout) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }
}
