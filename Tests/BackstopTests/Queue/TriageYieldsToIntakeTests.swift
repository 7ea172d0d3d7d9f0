import Backstop
import BackstopCore
import Logging
import Synchronization
import Testing

/// The notification worker takes its next batch only when the intake lets it
/// (``DurableQueueHandler/waitForTurn(batchLimit:)``): while a webhook request waits for its commit, the
/// queued notifications wait, and they are all handled once the commit ended. While requests
/// keep arriving, a batch takes at most ``IntakePriority/busyBatchLimit`` items.
@Suite struct TriageYieldsToIntakeTests {
    /// A handler that notes what it handled and yields to the given intake.
    struct NotingHandler: DurableQueueHandler {
        final class Noted: Sendable {
            let items = Mutex<[String]>([])
            let batches = Mutex<[Int]>([])
        }

        let priority: IntakePriority
        let noted = Noted()
        var batches: [Int] { noted.batches.withLock { $0 } }
        var handled: [String] { noted.items.withLock { $0 } }
        var finishesInFlight: Bool { false }
        func id(of item: String) -> String { item }
        func backlog() async throws(StoreError) -> [String] { [] }
        func handle(_ item: String) async throws(StoreError) { noted.items.withLock { $0.append(item) } }
        func waitForTurn(batchLimit: Int) async -> Int {
            await priority.waitForTurn()
            return priority.batchLimit(batchLimit)
        }
        func handle(batch: [String]) async -> [(item: String, error: StoreError)] {
            noted.batches.withLock { $0.append(batch.count) }
            for item in batch { try? await handle(item) }
            return []
        }
    }

    /// Yields until `condition` holds, at most a bounded number of times (no sleeping).
    static func eventually(_ condition: () async throws -> Bool) async rethrows -> Bool {
        for _ in 0..<200_000 {
            if try await condition() { return true }
            await Task.yield()
        }
        return try await condition()
    }

    @Test func queuedNotificationsWaitForTheIntakesCommitThenAreHandledTogether() async throws {
        // No quiet period: the test drives the commits, and the triage's wait is the point.
        let priority = IntakePriority(quietPeriod: .zero)
        let handler = NotingHandler(priority: priority)
        let worker = DurableQueueWorker(name: "notifications", handler: handler, logger: Logger(label: "test"))
        // A request is in flight: its commit has not ended.
        priority.arrived()
        let running = Task { try await worker.run() }
        worker.enqueue("ntf-1")
        #expect(await Self.eventually { priority.waitingTriage == 1 }, "the worker did not wait for the intake")
        worker.enqueue("ntf-2")
        #expect(handler.handled.isEmpty, "a notification was triaged while a request waited for its commit")
        priority.committed(1)
        #expect(await Self.eventually { handler.handled.count == 2 })
        #expect(handler.handled == ["ntf-1", "ntf-2"])
        #expect(priority.deferredBatches == 1)
        running.cancel()
        _ = try? await running.value
    }

    @Test func whileRequestsKeepArrivingABatchTakesAtMostTheBusyLimitAndTheRestGoesInFullBatches() async throws {
        let priority = IntakePriority(maxDeferredCommits: 1, busyBatchLimit: 3, quietPeriod: .zero)
        let handler = NotingHandler(priority: priority)
        let worker = DurableQueueWorker(name: "notifications", handler: handler, logger: Logger(label: "test"), batchLimit: 10)
        // A request is in flight, and 8 notifications are queued behind it.
        priority.arrived()
        for index in 1...8 { worker.enqueue("ntf-\(index)") }
        let running = Task { try await worker.run() }
        #expect(await Self.eventually { priority.waitingTriage == 1 })
        // Its commit ends while another request is already in flight: the intake is still busy.
        priority.arrived()
        priority.committed(1)
        #expect(await Self.eventually { handler.handled.count == 3 }, "the first batch did not run")
        #expect(handler.batches == [3], "a batch took more than the busy limit while a request was in flight")
        // The intake goes idle: the rest is one full batch.
        priority.committed(1)
        #expect(await Self.eventually { handler.handled.count == 8 })
        #expect(handler.batches == [3, 5])
        #expect(handler.handled == (1...8).map { "ntf-\($0)" })
        running.cancel()
        _ = try? await running.value
    }
}
