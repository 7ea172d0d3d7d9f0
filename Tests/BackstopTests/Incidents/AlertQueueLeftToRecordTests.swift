import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging
import Testing

/// A storm that fills the notification queue: what the queue leaves to the SQLite record is read
/// back in pages and triaged in order, and the record ends as when the storm is triaged in one
/// batch (``AlertDecisionsTogetherTests``).
@Suite struct AlertQueueLeftToRecordTests {
    typealias Storm = AlertDecisionsTogetherTests

    @Test func aStormPastTheQueuesLimitEndsAsTriagedTogether() async throws {
        let directory = try TemporaryDirectory()
        let together = try AlertTriageBatchTests.Path(directory, "together")
        _ = try await together.store.appendNotifications(Storm.notifications)
        #expect(await Storm.handler(together).handle(batch: Storm.notifications).isEmpty)

        let queued = try AlertTriageBatchTests.Path(directory, "queued")
        let priority = IntakePriority(quietPeriod: .zero)
        let handler = NotificationHandler(
            intake: queued.store, triage: queued.triage, desk: queued.desk, logger: Logger(label: "test"), priority: priority)
        let worker = DurableQueueWorker(
            name: "Alertmanager notifications", handler: handler, queue: WorkQueue(memoryLimit: 2), logger: Logger(label: "test"),
            batchLimit: 4, pageLimit: 3)
        // A request is in flight, so the worker waits for its turn with the storm's first
        // notification (its read of the record at start done), while the rest is recorded and
        // queued: 2 notifications are held, the rest left to the record.
        priority.arrived()
        let running = Task { try await worker.run() }
        for (index, notification) in Storm.notifications.enumerated() {
            #expect(try await queued.store.appendNotification(notification) == .appended)
            worker.enqueue(notification)
            if index == 0 { #expect(await TriageYieldsToIntakeTests.eventually { priority.waitingTriage == 1 }) }
        }
        priority.committed(1)
        let triaged = try await TriageYieldsToIntakeTests.eventually {
            try await queued.store.untriagedNotifications().notifications.isEmpty
        }
        #expect(triaged, "notifications left to the record were not triaged")
        #expect(try await Storm.outcome(queued) == Storm.outcome(together))
        running.cancel()
        _ = try? await running.value
    }
}
