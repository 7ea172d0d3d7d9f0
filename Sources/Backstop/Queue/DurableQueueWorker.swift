import BackstopCore
import Logging
import ServiceLifecycle

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

    /// Whether a shutdown lets the item in flight finish (a verification, whose run is recorded
    /// either way) rather than cancelling it (a triage, repeated from the record at next start).
    var finishesInFlight: Bool { get }
}

/// Items waiting for a ``DurableQueueWorker``. Unbounded, because an item is small and dropping
/// one would leave it unhandled until the next start.
package struct WorkQueue<Item: Sendable>: Sendable {
    let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation

    package init() {
        (items, continuation) = AsyncStream.makeStream(of: Item.self)
    }

    /// Queues an item that is already in the record.
    package func enqueue(_ item: Item) {
        continuation.yield(item)
    }
}

/// The one worker behind every durable queue (completion events, recorded runs, Alertmanager
/// notifications): at start it handles the record's backlog, then each queued item in order,
/// one at a time.
package struct DurableQueueWorker<Handler: DurableQueueHandler>: Service {
    package let name: String
    package let handler: Handler
    package let queue: WorkQueue<Handler.Item>
    package let logger: Logger

    package init(name: String, handler: Handler, queue: WorkQueue<Handler.Item> = WorkQueue(), logger: Logger) {
        self.name = name
        self.handler = handler
        self.queue = queue
        self.logger = logger
    }

    package func enqueue(_ item: Handler.Item) { queue.enqueue(item) }

    package func run() async throws {
        if handler.finishesInFlight {
            await drain()
        } else {
            await cancelWhenGracefulShutdown { await drain() }
        }
    }

    /// The backlog, then the queue until shutdown: the queue stops being read then, and the item
    /// in flight finishes or is cancelled as ``DurableQueueHandler/finishesInFlight`` says.
    private func drain() async {
        var done = Set<String>()
        for item in await readBacklog() where done.insert(handler.id(of: item)).inserted {
            await handle(item)
        }
        for await item in queue.items.cancelOnGracefulShutdown() where done.insert(handler.id(of: item)).inserted {
            // Left unhandled on shutdown: the next start handles it from the record.
            if Task.isCancelled { break }
            await handle(item)
        }
    }

    /// Handles what the record holds unhandled (a crash, a stop, or another process's work).
    package func handleBacklog() async {
        for item in await readBacklog() { await handle(item) }
    }

    private func readBacklog() async -> [Handler.Item] {
        do {
            return try await handler.backlog()
        } catch {
            logger.error("could not read the \(name) left unhandled from the record", metadata: ["error": "\(error)"])
            return []
        }
    }

    package func handle(_ item: Handler.Item) async {
        do {
            try await handler.handle(item)
        } catch {
            logger.error(
                "could not handle one of the \(name); it will be handled again at the next start",
                metadata: ["item": "\(handler.id(of: item))", "error": "\(error)"])
        }
    }
}
