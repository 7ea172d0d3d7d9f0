import Synchronization

/// Intake before triage. While webhook requests wait for their group commit (``GroupCommit``),
/// the triage of notifications already accepted holds back its next batch, so the two cores and
/// the store's one writer go to answering the senders first: a triage batch holds the writer for
/// its whole transaction, and an Alertmanager waiting on a slow answer retries. Triage is never
/// starved: a batch waits until a commit ends with no request left in flight (the burst is
/// over), or at most `maxDeferredCommits` commits, then runs whatever the intake does. What
/// waits is already in the record, so holding it back loses nothing.
package final class IntakePriority: Sendable {
    private struct Waiter {
        let untilCommit: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        /// Requests submitted to the group commit and not yet answered.
        var inFlight = 0
        /// Commits ended so far (a counter, so a waiter knows how many it sat out).
        var commits = 0
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
        /// Triage batches that waited for the intake (for `backstop`'s tests and diagnostics).
        var deferred = 0
    }

    /// How many commits a triage batch waits for at most while requests keep arriving.
    package let maxDeferredCommits: Int
    /// The most a triage batch takes while requests are still in flight: its transaction holds
    /// the store's one writer, so a smaller batch holds the waiting requests for less time.
    package let busyBatchLimit: Int
    private let state = Mutex(State())

    package init(maxDeferredCommits: Int = 8, busyBatchLimit: Int = 16) {
        self.maxDeferredCommits = max(1, maxDeferredCommits)
        self.busyBatchLimit = max(1, busyBatchLimit)
    }

    /// How many items the next triage batch takes: `limit` while the intake is idle (a storm's
    /// backlog drains in large batches once the senders are answered), at most
    /// ``busyBatchLimit`` while requests wait for their commit.
    package func batchLimit(_ limit: Int) -> Int {
        state.withLock { $0.inFlight > 0 } ? min(limit, busyBatchLimit) : limit
    }

    /// Requests in flight at the intake.
    package var inFlight: Int { state.withLock { $0.inFlight } }
    /// Triage batches waiting for their turn.
    package var waitingTriage: Int { state.withLock { $0.waiters.count } }
    /// Triage batches that had to wait so far.
    package var deferredBatches: Int { state.withLock { $0.deferred } }

    /// A request reached the intake; it counts until its commit ended (``committed(_:)``).
    package func arrived() {
        state.withLock { $0.inFlight += 1 }
    }

    /// A commit ended (written or failed) and answered `requests` requests.
    package func committed(_ requests: Int) {
        let released = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight = max(0, state.inFlight - requests)
            state.commits += 1
            let due = state.waiters.filter { state.inFlight == 0 || state.commits >= $0.value.untilCommit }
            for id in due.keys { state.waiters[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in released { continuation.resume() }
    }

    /// Returns at once while the intake is idle; otherwise once the intake went idle or
    /// `maxDeferredCommits` commits ended. A cancelled task (a shutdown) returns at once.
    package func waitForTurn() async {
        let id = state.withLock { state -> Int? in
            guard state.inFlight > 0 else { return nil }
            state.nextWaiter += 1
            state.deferred += 1
            return state.nextWaiter
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    // The intake went idle, or the task was cancelled, before it could wait.
                    if state.inFlight == 0 || Task.isCancelled { return true }
                    state.waiters[id] = Waiter(untilCommit: state.commits + maxDeferredCommits, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }
}
