import Backstop
import BackstopCore
import Foundation
import Logging
import ServiceLifecycleTestKit
import Synchronization
import Testing

/// A worker whose handler asks for a lower priority (as the notification triage's does,
/// `.background`) handles its items on threads the kernel schedules after the caller's (a higher
/// nice value), and still stops on a cancellation and on a graceful shutdown.
@Suite(.timeLimit(.minutes(1))) struct LowPriorityWorkerTests {
    /// Notes the nice value of the thread that handled each item.
    struct NiceNotingHandler: DurableQueueHandler {
        final class Noted: Sendable {
            let nice = Mutex<[Int32]>([])
        }

        let noted = Noted()
        var finishesInFlight: Bool { false }
        /// As the notification triage's (``NotificationHandler``).
        var taskPriority: TaskPriority? { .background }
        var handled: Int { noted.nice.withLock { $0.count } }
        func id(of item: String) -> String { item }
        func backlog() async throws(StoreError) -> [String] { [] }
        func handle(_ item: String) async throws(StoreError) {
            let nice = Self.currentNice()
            noted.nice.withLock { $0.append(nice) }
        }

        /// The calling thread's nice value (on Linux each thread has its own).
        static func currentNice() -> Int32 { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
    }

    @Test func itemsAreHandledOnNicerThreadsThanTheCallersAndACancellationStopsTheWorker() async throws {
        let handler = NiceNotingHandler()
        let worker = DurableQueueWorker(name: "notifications", handler: handler, logger: Logger(label: "test"))
        let running = Task.detached(priority: .medium) {
            let caller = NiceNotingHandler.currentNice()
            try await worker.run()
            return caller
        }
        worker.enqueue("ntf-1")
        worker.enqueue("ntf-2")
        #expect(await TriageYieldsToIntakeTests.eventually { handler.handled == 2 })
        // Returns only if the cancellation reached the lowered task (else the time limit fails it).
        running.cancel()
        let caller = try await running.value
        let nice = handler.noted.nice.withLock { $0 }
        #expect(nice.count == 2)
        #expect(nice.allSatisfy { $0 > caller }, "handled at nice \(nice), the caller's thread is at \(caller)")
    }

    @Test func aGracefulShutdownReachesTheLoweredWorker() async throws {
        let handler = NiceNotingHandler()
        let worker = DurableQueueWorker(name: "notifications", handler: handler, logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            let running = Task { try await worker.run() }
            worker.enqueue("ntf-1")
            #expect(await TriageYieldsToIntakeTests.eventually { handler.handled == 1 })
            trigger.triggerGracefulShutdown()
            // Returns only if the shutdown reached the lowered task (else the time limit fails it).
            try await running.value
        }
    }
}
