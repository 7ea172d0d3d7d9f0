import BackstopCore
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

    /// A page of the backlog: at most `limit` items recorded after `position` (nil: from the
    /// start), oldest first. The worker reads the backlog at start this way, and what its
    /// queue left to the record when the queue was full (``WorkQueue/memoryLimit``). Unless the
    /// handler pages: the whole backlog as one page.
    func backlog(after position: Int64?, limit: Int) async throws(StoreError) -> BacklogPage<Item>

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

    package func backlog(after position: Int64?, limit: Int) async throws(StoreError) -> BacklogPage<Item> {
        BacklogPage(items: try await backlog(), position: nil, hasMore: false)
    }

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
    /// Items read from the record at a time (the backlog, what a full queue left there): a
    /// page of notifications is a few MB.
    package let pageLimit: Int

    package init(
        name: String, handler: Handler, queue: WorkQueue<Handler.Item> = WorkQueue(), logger: Logger, batchLimit: Int = 64,
        pageLimit: Int = 1_000
    ) {
        self.name = name
        self.batchLimit = max(1, batchLimit)
        self.pageLimit = max(1, pageLimit)
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
        // Ids handled lately: an item read from the record may be queued too (the backlog at
        // start, or what a full queue left to the record while the webhook kept queueing).
        let queued = queue.memoryLimit == .max ? 0 : queue.memoryLimit + 2 * pageLimit
        var done = RecentIDs(capacity: max(10_000, batchLimit * 100, queued))
        var position: Int64? = nil
        guard await drainRecord(after: &position, done: &done) else { return }
        for await _ in queue.wakeUps.cancelOnGracefulShutdown() {
            while true {
                // Left unhandled on shutdown: the next start handles it from the record.
                if Self.stopping { return }
                // Waiting here, not after taking, lets the batch grow while the intake goes first.
                let limit = await handler.waitForTurn(batchLimit: batchLimit)
                if Self.stopping { return }
                let taken = queue.take(upTo: limit)
                if !taken.isEmpty {
                    await handle(batch: taken.filter { done.insert(handler.id(of: $0)) })
                } else if queue.takeLeftToRecord() {
                    guard await drainRecord(after: &position, done: &done) else { return }
                } else {
                    break
                }
            }
            // The queue ran empty: what the burst allocated and freed goes back to the system.
            FreedMemory.returnToSystem()
        }
    }

    /// Handles the record's unhandled items after `position` in batches, as the queue's are.
    /// False when stopping: a stop does not wait for a long backlog, what is left is in the
    /// record for the next start. What the pages allocated goes back to the system once at the
    /// end, not after every page.
    private func drainRecord(after position: inout Int64?, done: inout RecentIDs) async -> Bool {
        var handledAny = false
        let finished = await forEachPage(after: &position) { items in
            let fresh = items.filter { done.insert(handler.id(of: $0)) }
            var start = 0
            while start < fresh.count {
                if Self.stopping { return false }
                let end = min(start + (await handler.waitForTurn(batchLimit: batchLimit)), fresh.count)
                await handle(batch: Array(fresh[start..<end]))
                handledAny = true
                start = end
            }
            return true
        }
        if handledAny { FreedMemory.returnToSystem() }
        return finished
    }

    /// Handles what the record holds unhandled (a crash, a stop, or another process's work),
    /// one item at a time.
    package func handleBacklog() async {
        var position: Int64? = nil
        _ = await forEachPage(after: &position) { items in
            for item in items {
                if Self.stopping { return false }
                await handle(item)
            }
            return true
        }
    }

    /// Reads the record's unhandled items after `position` a page at a time, hands each page to
    /// `handlePage` and moves `position` past it. False when stopping (or `handlePage` stopped);
    /// true at the record's end, or when it cannot be read (logged by ``readPage(after:)``).
    private func forEachPage(
        after position: inout Int64?, _ handlePage: ([Handler.Item]) async -> Bool
    ) async -> Bool {
        while true {
            if Self.stopping { return false }
            guard let page = await readPage(after: position) else { return true }
            guard await handlePage(page.items) else { return false }
            position = page.position ?? position
            if !page.hasMore { return true }
        }
    }

    /// A page of the backlog; nil when the record cannot be read (logged: what it holds is
    /// handled at the next start).
    private func readPage(after position: Int64?) async -> BacklogPage<Handler.Item>? {
        do {
            return try await handler.backlog(after: position, limit: pageLimit)
        } catch {
            logger.error("could not read the \(name) left unhandled from the record", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Shutting down (or cancelled): take no more items; those left are in the record.
    private static var stopping: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

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

/// Part of a queue's backlog in the record (``DurableQueueHandler/backlog(after:limit:)``).
package struct BacklogPage<Item: Sendable>: Sendable {
    package var items: [Item]
    /// Where the next page starts.
    package var position: Int64?
    /// Whether the record may hold more after this page.
    package var hasMore: Bool

    package init(items: [Item], position: Int64?, hasMore: Bool) {
        self.items = items
        self.position = position
        self.hasMore = hasMore
    }
}
