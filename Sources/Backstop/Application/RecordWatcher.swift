import BackstopCore
import Foundation
import Logging
import ServiceLifecycle

/// Notices, about once a second, what any process appended to the record, and brings what
/// `serve` keeps in memory in step: runs reach the metrics and triage (``RunFollower``), a
/// grown ledger refreshes the incident metrics, and messages another process queued wake the
/// outbox worker. Board and `/api/v1/*` read the store on each request and need nothing.
///
/// Polling the marks costs five index look-ups a second; a scrape still only hands out ready
/// bytes, because the refresh happens here and not in the request.
package struct RecordWatcher: Service {
    package let store: any RecordStore
    package let follower: RunFollower
    package let metrics: BackstopMetrics
    package let delivery: OutboxDeliveryService
    /// Woken when a request is made or answered (a CLI `approve` included).
    package let approvals: ApprovalService
    package let clock: any WallClock
    package let logger: Logger
    /// The marks the in-memory state was built at.
    package let start: RecordMarks
    package var interval: Duration = .seconds(1)

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var seen = start
            while let next = await pollAfterInterval(since: seen) { seen = next }
        }
    }

    /// Waits one interval, then polls; nil once a shutdown cut the wait short (reading the
    /// marks then would fail for no fault, and the next start reads them anyway).
    package func pollAfterInterval(since seen: RecordMarks) async -> RecordMarks? {
        // The poll period, not a synchronisation: a change waits at most this long.
        try? await Task.sleep(for: interval)
        if Task.isCancelled { return nil }
        return await poll(since: seen)
    }

    /// Compares the record's marks with `seen`, refreshes what changed, and returns the new marks.
    package func poll(since seen: RecordMarks) async -> RecordMarks {
        var now: RecordMarks
        do {
            now = try await store.recordMarks()
        } catch {
            // Cancelled by a shutdown mid-read: the stop is clean and the next start rereads the marks.
            if Task.isCancelled { return seen }
            logger.error("could not read the record's marks; trying again in a second", metadata: ["error": "\(error)"])
            return seen
        }
        // Runs not brought in yet keep the old mark, so the next poll tries again.
        if now.runs != seen.runs, await !follower.catchUp() { now.runs = seen.runs }
        if now.ledgerDiffers(from: seen) {
            await metrics.loadIncidents(from: store, now: clock.now)
            if now.outbox != seen.outbox { delivery.notify() }
        }
        if now.approvalsDiffer(from: seen) { approvals.notify() }
        return now
    }
}
