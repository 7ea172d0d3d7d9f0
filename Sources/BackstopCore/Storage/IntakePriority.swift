import Synchronization

/// Intake before triage. While webhook requests keep arriving (``GroupCommit``), the triage of
/// notifications already accepted holds back its next batch, so the two cores and the store's
/// one writer go to answering the senders first: a triage batch holds the writer for its whole
/// transaction and costs several times a request's CPU, and an Alertmanager waiting on a slow
/// answer retries. Triage is never starved: a batch waits until the intake has had nothing in
/// flight for `quietPeriod` (the burst is over), or at most `maxDeferredCommits` commits, then
/// runs whatever the intake does. What waits is already in the record, so holding it back loses
/// nothing.
///
/// A commit that answers every request in flight does not end a burst: the senders' next requests
/// follow within a fraction of a millisecond. Counted as idle, that gap let a triage batch in
/// after almost every commit, and triage took a fifth of the CPU under load (32 connections:
/// 6,000–6,800 notifications a second, p99 10.5–11.6 ms; with a 5 ms quiet period and at most
/// 32 commits, 7,400–7,800 a second, p99 7.9–8.3 ms, while about 330 a second were still
/// triaged; `Benchmarks/webhook-ingest.py`, 3 runs each, alternated).
///
/// At most 128 commits rather than 32: under 32 connections a commit ends about every 0.9 ms, so
/// a waiting batch still goes within about 0.12 s (the first page of a storm is not held back
/// longer than that), but a busy batch of 16 costs its task about 300 µs per notification, twice
/// a request's CPU, and with 32 its share kept the intake under 10,000 a second (32: 9,673–9,975
/// a second, p99 6.9–7.3 ms, 167 µs of CPU per notification, about 360 a second triaged during
/// the load; 128: 10,510–10,714, p99 6.1–6.2 ms, 150 µs, about 130 a second triaged; 2 runs of
/// 30 s each, alternated). The storm that follows drains as fast either way (10,000 unique
/// notifications triaged 8.1–9.3 s after the first was sent, against 8.2–8.6 s), because what
/// waits drains in full batches once the senders are answered.
package final class IntakePriority: Sendable {
    private struct Waiter {
        let untilCommit: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        /// Requests submitted to the group commit and not yet answered.
        var inFlight = 0
        /// When the last request in flight was answered.
        var idleSince: ContinuousClock.Instant
        /// Commits ended so far (a counter, so a waiter knows how many it sat out).
        var commits = 0
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
        /// Whether a task will look for the end of the quiet period, to let the waiters go.
        var idleCheckScheduled = false
        /// Triage batches that waited for the intake (for `backstop`'s tests and diagnostics).
        var deferred = 0

        func isQuiet(at now: ContinuousClock.Instant, quietPeriod: Duration) -> Bool {
            inFlight == 0 && now - idleSince >= quietPeriod
        }

        mutating func takeWaiters(_ due: (Waiter) -> Bool) -> [CheckedContinuation<Void, Never>] {
            let released = waiters.filter { due($0.value) }
            for id in released.keys { waiters[id] = nil }
            return released.values.map(\.continuation)
        }
    }

    /// How many commits a triage batch waits for at most while requests keep arriving.
    package let maxDeferredCommits: Int
    /// The most a triage batch takes while the intake is busy: its transaction holds the store's
    /// one writer, so a smaller batch holds the waiting requests for less time.
    package let busyBatchLimit: Int
    /// How long the intake must have had nothing in flight to count as idle.
    package let quietPeriod: Duration
    private let state: Mutex<State>

    package init(maxDeferredCommits: Int = 128, busyBatchLimit: Int = 16, quietPeriod: Duration = .milliseconds(5)) {
        self.maxDeferredCommits = max(1, maxDeferredCommits)
        self.busyBatchLimit = max(1, busyBatchLimit)
        self.quietPeriod = max(.zero, quietPeriod)
        state = Mutex(State(idleSince: .now - quietPeriod))
    }

    /// How many items the next triage batch takes: `limit` while the intake is idle (a storm's
    /// backlog drains in large batches once the senders are answered), at most
    /// ``busyBatchLimit`` while it is busy.
    package func batchLimit(_ limit: Int) -> Int {
        isQuiet ? limit : min(limit, busyBatchLimit)
    }

    /// Whether the intake has had nothing in flight for ``quietPeriod``.
    package var isQuiet: Bool { state.withLock { $0.isQuiet(at: .now, quietPeriod: quietPeriod) } }
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
        let now = ContinuousClock.now
        let (released, checkIdle) = state.withLock { state -> ([CheckedContinuation<Void, Never>], Bool) in
            state.inFlight = max(0, state.inFlight - requests)
            state.commits += 1
            if state.inFlight == 0 { state.idleSince = now }
            let quiet = state.isQuiet(at: now, quietPeriod: quietPeriod)
            let commits = state.commits
            let released = state.takeWaiters { quiet || commits >= $0.untilCommit }
            return (released, scheduleIdleCheck(&state))
        }
        for continuation in released { continuation.resume() }
        if checkIdle { lookForQuiet() }
    }

    /// Returns at once while the intake is idle; otherwise once it has been quiet for
    /// ``quietPeriod`` or `maxDeferredCommits` commits ended. A cancelled task (a shutdown)
    /// returns at once.
    package func waitForTurn() async {
        let id = state.withLock { state -> Int? in
            guard !state.isQuiet(at: .now, quietPeriod: quietPeriod) else { return nil }
            state.nextWaiter += 1
            state.deferred += 1
            return state.nextWaiter
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let (resumeNow, checkIdle) = state.withLock { state -> (Bool, Bool) in
                    // The intake went quiet, or the task was cancelled, before it could wait.
                    if state.isQuiet(at: .now, quietPeriod: quietPeriod) || Task.isCancelled { return (true, false) }
                    state.waiters[id] = Waiter(untilCommit: state.commits + maxDeferredCommits, continuation: continuation)
                    return (false, scheduleIdleCheck(&state))
                }
                if resumeNow { continuation.resume() }
                if checkIdle { lookForQuiet() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    /// Whether a task should look for the quiet period's end: triage waits, nothing is in flight
    /// (else the next commit looks), and no such task is on its way.
    private func scheduleIdleCheck(_ state: inout State) -> Bool {
        guard !state.waiters.isEmpty, state.inFlight == 0, !state.idleCheckScheduled else { return false }
        state.idleCheckScheduled = true
        return true
    }

    /// Once the intake has been quiet for ``quietPeriod``, lets every waiting triage batch go;
    /// looks again later if a request came and went meanwhile.
    private func lookForQuiet() {
        Task { [self] in
            let due = state.withLock { $0.idleSince + quietPeriod }
            try? await ContinuousClock().sleep(until: due)
            let (released, again) = state.withLock { state -> ([CheckedContinuation<Void, Never>], Bool) in
                state.idleCheckScheduled = false
                guard state.isQuiet(at: .now, quietPeriod: quietPeriod) else { return ([], scheduleIdleCheck(&state)) }
                return (state.takeWaiters { _ in true }, false)
            }
            for continuation in released { continuation.resume() }
            if again { lookForQuiet() }
        }
    }
}
