import BackstopCore
import Foundation
import Logging

/// What `serve` reads from the record at start: the metrics snapshot and the marks it was built
/// at, the incident, notification and approval counts. A `serve` started while PostgreSQL was
/// down (`storage.postgres.buffer`) reads them once PostgreSQL answers and its buffer is drained
/// (``BufferDrainService``), and carries on as if it had started then.
enum StartReads {
    /// Loads the metrics from the record; the marks they were built at.
    static func load(store: any RecordStore, metrics: BackstopMetrics, shared: Bool, now: Date) async throws -> RecordMarks {
        let (snapshot, marks) = try await store.metricsSnapshotWithMarks()
        metrics.load(snapshot)
        await metrics.loadIncidents(from: store, now: now)
        // With replicas each counts the notifications it accepted, so their sum is the total.
        if !shared { metrics.loadNotifications(try await store.notificationCounts()) }
        metrics.loadApprovals(try await store.approvalCounts())
        return marks
    }

    /// The start's reads, done later: loads the metrics, then lets `follower` bring in the
    /// runs appended after them. False when the record could not be read (tried again).
    static func deferred(
        store: any RecordStore, metrics: BackstopMetrics, follower: RunFollower, clock: any WallClock, logger: Logger
    ) -> @Sendable () async -> Bool {
        {
            do {
                let marks = try await load(store: store, metrics: metrics, shared: store is any SharedStore, now: clock.now)
                await follower.start(at: marks.runs)
                logger.notice("PostgreSQL answers: the metrics are loaded from the record; serve carries on as usual")
                return true
            } catch {
                logger.error("could not read the record after PostgreSQL came back; trying again", metadata: ["error": "\(error)"])
                return false
            }
        }
    }
}
