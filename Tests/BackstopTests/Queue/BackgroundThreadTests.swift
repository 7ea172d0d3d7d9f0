import Backstop
import BackstopCore
import Foundation
import Logging
import Synchronization
import Testing

/// A worker given a ``BackgroundThread`` handles its items on that thread, named as asked and
/// nicer than the thread that started it (the notification triage's, below the webhook's).
@Suite struct BackgroundThreadTests {
    /// Notes, for each item, the name and nice value of the thread that handled it.
    struct ThreadNotingHandler: DurableQueueHandler {
        final class Noted: Sendable {
            let threads = Mutex<[(name: String, nice: Int32)]>([])
        }

        let noted = Noted()
        var finishesInFlight: Bool { false }
        func id(of item: String) -> String { item }
        func backlog() async throws(StoreError) -> [String] { [] }
        func handle(_ item: String) async throws(StoreError) {
            let thread = Self.currentThread()
            noted.threads.withLock { $0.append(thread) }
        }

        /// The kernel's view of the calling thread: its name and its nice value.
        static func currentThread() -> (name: String, nice: Int32) {
            let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?"
            return (name.trimmingCharacters(in: .whitespacesAndNewlines), getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
        }
    }

    @Test func theWorkersItemsAreHandledOnItsOwnNicerThread() async throws {
        let handler = ThreadNotingHandler()
        let worker = DurableQueueWorker(
            name: "notifications", handler: handler, logger: Logger(label: "test"),
            thread: BackgroundThread(name: "test-triage", niceness: 7))
        // The worker's thread starts from the one that runs it, at that thread's nice value.
        let running = Task.detached {
            let starter = ThreadNotingHandler.currentThread().nice
            try await worker.run()
            return starter
        }
        worker.enqueue("ntf-1")
        worker.enqueue("ntf-2")
        #expect(await TriageYieldsToIntakeTests.eventually { handler.noted.threads.withLock { $0.count } == 2 })
        running.cancel()
        let starter = try await running.value
        let threads = handler.noted.threads.withLock { $0 }
        #expect(threads.map(\.name) == ["test-triage", "test-triage"])
        #expect(threads.map(\.nice) == [min(19, starter + 7), min(19, starter + 7)])
    }
}
