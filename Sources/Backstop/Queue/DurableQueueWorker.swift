import BackstopCore
import DequeModule
import Logging
import ServiceLifecycle
import Synchronization

/// What one durable queue does with its items. An item is in the record before it is queued
/// (an event, a recorded run, an accepted notification), so the queue itself can be in memory:
/// whatever it held when Backstop stopped is the record's backlog at the next start.
package protocol DurableQueueHandler: Sendable {
    associatedtype Item: Sendable

    /// Identifies an item, so one found in the backlog and queued live is handled once.
    func id(of item: Item) -> String

    /// Items in the record that were never handled (Backstop stopped in between), oldest first.
    func backlog() async throws(StoreError) -> [Item]

    /// Handles one item; a failure leaves it in the record, to be handled at the next start.
    func handle(_ item: Item) async throws(StoreError)

    /// Handles items queued together, in order, with the same results as one at a time; returns
    /// the failures (each item left in the record). One at a time unless the handler shares work
    /// across a batch.
    func handle(batch: [Item]) async -> [(item: Item, error: StoreError)]

    /// Whether a shutdown lets the item in flight finish (a verification, whose run is recorded
    /// either way) rather than cancelling it (a triage, repeated from the record at next start).
    var finishesInFlight: Bool { get }

    /// The priority the worker runs at, when it should be below its caller's (the triage of
    /// notifications, below the webhook's threads; ``DurableQueueWorker``). Nil: the caller's.
    var taskPriority: TaskPriority? { get }

    /// Waits, before the worker takes its next batch, while more urgent work should go first
    /// (the webhook's intake before the triage of notifications; ``IntakePriority``), and
    /// returns how many items the batch takes, at most `batchLimit`. Returns `batchLimit` at
    /// once unless the handler has such work to yield to.
    func waitForTurn(batchLimit: Int) async -> Int
}

extension DurableQueueHandler {
    package var taskPriority: TaskPriority? { nil }

    package func waitForTurn(batchLimit: Int) async -> Int { batchLimit }

    package func handle(batch: [Item]) async -> [(item: Item, error: StoreError)] {
        var failures: [(item: Item, error: StoreError)] = []
        for item in batch {
            // Left to the record on shutdown, as an item still queued is.
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            do {
                try await handle(item)
            } catch {
                failures.append((item, error))
            }
        }
        return failures
    }
}

/// Items waiting for a ``DurableQueueWorker``. Unbounded, because an item is small and dropping
/// one would leave it unhandled until the next start. The worker takes what has gathered as one
/// batch, so a storm's notifications share their reads of the record.
package struct WorkQueue<Item: Sendable>: Sendable {
    private let waiting = Waiting()
    /// Wakes the worker; one pending wake-up is enough, it takes every waiting item.
    let wakeUps: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    package init() {
        (wakeUps, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues an item that is already in the record.
    package func enqueue(_ item: Item) {
        waiting.items.withLock { $0.append(item) }
        continuation.yield()
    }

    /// Shared by every copy of the queue (the worker's and the producers'). A deque, because
    /// under a sustained storm the worker takes 16 at a time from the front of hundreds of
    /// thousands: an array moved all the rest on every take, under the lock the webhook's
    /// requests enqueue through (a tenth of the triage's CPU, and the requests waited).
    private final class Waiting: Sendable {
        let items = Mutex<Deque<Item>>([])
    }

    /// The oldest waiting items, at most `limit`.
    package func take(upTo limit: Int) -> [Item] {
        waiting.items.withLock { waiting in
            let taken = Array(waiting.prefix(limit))
            waiting.removeFirst(taken.count)
            return taken
        }
    }
}

/// The one worker behind every durable queue (completion events, recorded runs, Alertmanager
/// notifications): at start it handles the record's backlog, then the queued items in order, in
/// batches of what gathered while the previous batch was handled.
package struct DurableQueueWorker<Handler: DurableQueueHandler>: Service {
    package let name: String
    package let handler: Handler
    package let queue: WorkQueue<Handler.Item>
    package let logger: Logger
    /// Items handled together at most: a batch shares the handler's reads of the record, and
    /// a shutdown waits for at most one batch.
    package let batchLimit: Int

    package init(name: String, handler: Handler, queue: WorkQueue<Handler.Item> = WorkQueue(), logger: Logger, batchLimit: Int = 64) {
        self.name = name
        self.batchLimit = max(1, batchLimit)
        self.handler = handler
        self.queue = queue
        self.logger = logger
    }

    package func enqueue(_ item: Handler.Item) { queue.enqueue(item) }

    package func run() async throws {
        guard let priority = handler.taskPriority else { return await work() }
        await runLowered(priority)
    }

    /// Runs the worker in a task of `priority` and waits for it without raising it: awaiting
    /// the task's value would escalate it to the waiter's priority. On Linux the runtime runs a
    /// `.background` task on Dispatch's background threads, whose nice value is 10, so the
    /// kernel gives a busy core to the threads that answer requests first. A new task keeps
    /// the caller's task-local values, the graceful shutdown among them; a cancellation is
    /// passed on.
    private func runLowered(_ priority: TaskPriority) async {
        let inner = Mutex<(task: Task<Void, Never>?, cancelled: Bool)>((nil, false))
        await withTaskCancellationHandler {
            await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                let task = Task(priority: priority) {
                    await work()
                    finished.resume()
                }
                let cancelled = inner.withLock { inner in
                    inner.task = task
                    return inner.cancelled
                }
                if cancelled { task.cancel() }
            }
        } onCancel: {
            inner.withLock { inner in
                inner.cancelled = true
                return inner.task
            }?.cancel()
        }
    }

    private func work() async {
        if handler.finishesInFlight {
            await drain()
        } else {
            await cancelWhenGracefulShutdown { await drain() }
        }
    }

    /// The backlog, then the queue until shutdown: the queue stops being read then, and the item
    /// in flight finishes or is cancelled as ``DurableQueueHandler/finishesInFlight`` says.
    private func drain() async {
        var done = RecentIDs(capacity: max(10_000, batchLimit * 100))
        let backlog = await readBacklog().filter { done.insert(handler.id(of: $0)) }
        var start = 0
        while start < backlog.count {
            // A stop does not wait for a long backlog: what is left is in the record for the next start.
            if Self.stopping { return }
            let end = min(start + (await handler.waitForTurn(batchLimit: batchLimit)), backlog.count)
            await handle(batch: Array(backlog[start..<end]))
            start = end
        }
        if !backlog.isEmpty { FreedMemory.returnToSystem() }
        for await _ in queue.wakeUps.cancelOnGracefulShutdown() {
            while true {
                // Left unhandled on shutdown: the next start handles it from the record.
                if Self.stopping { return }
                // Waiting here, not after taking, lets the batch grow while the intake goes first.
                let limit = await handler.waitForTurn(batchLimit: batchLimit)
                if Self.stopping { return }
                let taken = queue.take(upTo: limit)
                if taken.isEmpty { break }
                await handle(batch: taken.filter { done.insert(handler.id(of: $0)) })
            }
            // The queue ran empty: what the burst allocated and freed goes back to the system.
            FreedMemory.returnToSystem()
        }
    }

    /// Handles what the record holds unhandled (a crash, a stop, or another process's work).
    package func handleBacklog() async {
        for item in await readBacklog() {
            if Self.stopping { return }
            await handle(item)
        }
    }

    /// Shutting down (or cancelled): take no more items; those left are in the record.
    private static var stopping: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

    private func readBacklog() async -> [Handler.Item] {
        do {
            return try await handler.backlog()
        } catch {
            logger.error("could not read the \(name) left unhandled from the record", metadata: ["error": "\(error)"])
            return []
        }
    }

    package func handle(_ item: Handler.Item) async {
        await handle(batch: [item])
    }

    private func handle(batch: [Handler.Item]) async {
        guard !batch.isEmpty else { return }
        for (item, error) in await handler.handle(batch: batch) {
            logger.error(
                "could not handle one of the \(name); it will be handled again at the next start",
                metadata: ["item": "\(handler.id(of: item))", "error": "\(error)"])
        }
    }
}
