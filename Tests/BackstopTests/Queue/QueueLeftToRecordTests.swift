import Backstop
import BackstopCore
import Logging
import Synchronization
import Testing

/// A queue that outgrows its memory leaves items to the record, and the worker reads them back
/// a page at a time once the queue has run empty: every item is handled once, in order, and the
/// queue never holds more than its limit.
@Suite struct QueueLeftToRecordTests {
    /// Items in a record (appended before they are queued, as the webhook does), handled ones
    /// marked there; the backlog is read in pages by position, as the intake store's is.
    struct RecordHandler: DurableQueueHandler {
        final class Record: Sendable {
            let items = Mutex<[String]>([])
            let handled = Mutex<[String]>([])
            let pagesRead = Mutex(0)
        }

        let record = Record()
        let priority: IntakePriority
        var finishesInFlight: Bool { false }
        var handled: [String] { record.handled.withLock { $0 } }

        func append(_ item: String) { record.items.withLock { $0.append(item) } }
        func id(of item: String) -> String { item }
        func backlog() async throws(StoreError) -> [String] { try await backlog(after: nil, limit: .max).items }

        func backlog(after position: Int64?, limit: Int) async throws(StoreError) -> BacklogPage<String> {
            record.pagesRead.withLock { $0 += 1 }
            let items = record.items.withLock { $0 }
            let done = Set(handled)
            var page: [String] = []
            var reached = Int(position ?? 0)
            while reached < items.count, page.count < limit {
                if !done.contains(items[reached]) { page.append(items[reached]) }
                reached += 1
            }
            return BacklogPage(items: page, position: Int64(reached), hasMore: page.count == limit)
        }

        func handle(_ item: String) async throws(StoreError) { record.handled.withLock { $0.append(item) } }

        func waitForTurn(batchLimit: Int) async -> Int {
            await priority.waitForTurn()
            return batchLimit
        }
    }

    @Test func itemsPastTheLimitAreReadBackFromTheRecordInOrderAndHandledOnce() async throws {
        let priority = IntakePriority(quietPeriod: .zero)
        let handler = RecordHandler(priority: priority)
        let worker = DurableQueueWorker(
            name: "notifications", handler: handler, queue: WorkQueue(memoryLimit: 4), logger: Logger(label: "test"),
            batchLimit: 3, pageLimit: 5)
        let running = Task { try await worker.run() }
        // The backlog at start is empty; then a request is in flight, so the worker waits while
        // 24 notifications are recorded and queued: 4 are held, 20 left to the record.
        #expect(await TriageYieldsToIntakeTests.eventually { handler.record.pagesRead.withLock { $0 } == 1 })
        priority.arrived()
        handler.append("warm-up")
        worker.enqueue("warm-up")
        #expect(await TriageYieldsToIntakeTests.eventually { priority.waitingTriage == 1 })
        let items = (1...23).map { "ntf-\($0)" }
        for item in items {
            handler.append(item)
            worker.enqueue(item)
        }
        priority.committed(1)
        #expect(await TriageYieldsToIntakeTests.eventually { handler.handled.count == 24 }, "handled: \(handler.handled)")
        // Recorded and queued once the record has been read: held in memory again.
        handler.append("ntf-24")
        worker.enqueue("ntf-24")
        #expect(await TriageYieldsToIntakeTests.eventually { handler.handled.count == 25 })
        #expect(handler.handled == ["warm-up"] + items + ["ntf-24"])
        // The start's page, then the 20 left to the record: pages of 5 (the last one empty).
        #expect(handler.record.pagesRead.withLock { $0 } == 1 + 5)
        running.cancel()
        _ = try? await running.value
    }

    /// The replicas' sweep and the buffer's drain hand the backlog over one item at a time; it
    /// too is read a page at a time, not all at once.
    @Test func theBacklogHandedOverIsReadInPages() async throws {
        let handler = RecordHandler(priority: IntakePriority(quietPeriod: .zero))
        for index in 1...12 { handler.append("ntf-\(index)") }
        try await handler.handle("ntf-1")
        try await handler.handle("ntf-7")
        let worker = DurableQueueWorker(name: "notifications", handler: handler, logger: Logger(label: "test"), pageLimit: 5)
        await worker.handleBacklog()
        #expect(handler.handled == ["ntf-1", "ntf-7"] + [2, 3, 4, 5, 6, 8, 9, 10, 11, 12].map { "ntf-\($0)" })
        #expect(handler.record.pagesRead.withLock { $0 } == 3, "two full pages of 5, then an empty one")
    }
}
