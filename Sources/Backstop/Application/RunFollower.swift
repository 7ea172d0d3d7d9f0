import BackstopCore
import Foundation
import Logging

/// Brings every run appended to the record into this process's metrics exactly once, in record
/// order, whichever process appended it.
///
/// This process's own runs arrive through `catchUp(known:)` as they are recorded; runs another
/// process appended (a CLI `verify`, another replica) are found by the next catch-up, which
/// the ``RecordWatcher`` starts once a second when the record grew. One cursor (the newest run
/// applied) decides, so a run found by both paths is applied once. Runs this process did not
/// record are also handed to triage: `serve` is the one triager, so a healthy run recorded by
/// `verify` resolves the incidents it clears, and a failure it found opens one.
package actor RunFollower {
    private let store: any RecordStore
    private let metrics: BackstopMetrics
    private let queue: WorkQueue<VerificationRun>
    private let logger: Logger
    /// The newest `runs.seq` whose run the metrics hold; nil until the metrics are loaded (a
    /// `serve` started while PostgreSQL was down loads them when it answers: ``start(at:)``).
    private var appliedThrough: Int64?

    package init(
        store: any RecordStore, metrics: BackstopMetrics, queue: WorkQueue<VerificationRun>, appliedThrough: Int64?, logger: Logger
    ) {
        self.store = store
        self.metrics = metrics
        self.queue = queue
        self.appliedThrough = appliedThrough
        self.logger = logger
    }

    /// This process recorded `run`: brings it (and any run appended before it) into the metrics.
    /// In a task of its own, because a run aborted by shutdown is recorded from a cancelled
    /// task, and the store refuses to read for one.
    package nonisolated func recorded(_ run: VerificationRun) async {
        _ = await Task { await self.catchUp(known: run) }.value
    }

    /// Applies every run appended since the last catch-up. `known` is a run this process has
    /// just recorded and queued for triage itself: it is used as is rather than read back.
    /// Returns false when the record could not be read; the next catch-up starts where this stopped.
    @discardableResult
    package func catchUp(known: VerificationRun? = nil) async -> Bool {
        // Not loaded yet: what is recorded meanwhile is in the snapshot loaded at the start.
        guard let start = appliedThrough else { return false }
        let appended: [(seq: Int64, id: String)]
        do {
            appended = try await store.runIDs(after: start)
        } catch {
            // Tried again at the next catch-up (at most a second later, or at the next start
            // when a shutdown cancelled the read): nothing is skipped, and a clean stop is no error.
            if !Task.isCancelled {
                logger.error("could not read the runs appended to the record", metadata: ["error": "\(error)"])
            }
            return false
        }
        for (seq, id) in appended {
            // The actor is re-entered at every await: a catch-up running at the same time (the
            // watcher's and one for a run just recorded) may have applied this run meanwhile.
            guard seq > appliedThrough ?? .max else { continue }
            let run: VerificationRun
            if let known, known.id == id {
                run = known
            } else {
                do {
                    guard let stored = try await store.run(id: id) else { return false }
                    run = stored
                } catch {
                    if !Task.isCancelled {
                        logger.error("could not read a run appended to the record", metadata: ["run": "\(id)", "error": "\(error)"])
                    }
                    return false
                }
            }
            // Checked again after the read's await, and nothing awaited from here to the cursor's move.
            guard seq > appliedThrough ?? .max else { continue }
            if known?.id != id {
                // Triage skips a run already triaged, so one of ours found here first is not doubled.
                queue.enqueue(run)
            }
            metrics.record(run)
            appliedThrough = seq
        }
        return true
    }

    /// The metrics were loaded from the record at `seq` (after a start without PostgreSQL):
    /// runs appended after it are brought in from now on.
    package func start(at seq: Int64) {
        appliedThrough = seq
    }
}
