import DequeModule
import Synchronization

/// Items waiting for a ``DurableQueueWorker``. Every item is in the record before it is
/// queued, so the queue holds at most `memoryLimit` of them: past it, an item is left to the
/// record, and once the queue has run empty the worker reads what was left there, in order
/// (``DurableQueueHandler/backlog(after:limit:)``). A sustained intake that the triage cannot
/// keep up with then costs a bounded amount of memory, not a few KB per notification for as
/// long as it lasts. The worker takes what has gathered as one batch, so a storm's
/// notifications share their reads of the record.
package struct WorkQueue<Item: Sendable>: Sendable {
    /// Items held at most. Unbounded by default: a limit needs a handler that reads its backlog
    /// in pages from a position (the notification handler; the others read it whole).
    package let memoryLimit: Int
    private let waiting = Waiting()
    /// Wakes the worker; one pending wake-up is enough, it takes every waiting item.
    let wakeUps: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    package init(memoryLimit: Int = .max) {
        self.memoryLimit = max(1, memoryLimit)
        (wakeUps, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues an item that is already in the record. Once the queue is full, every item after
    /// is left to the record until the worker has read them back, so none overtakes another.
    package func enqueue(_ item: Item) {
        waiting.state.withLock { state in
            if state.leftToRecord || state.items.count >= memoryLimit {
                state.leftToRecord = true
            } else {
                state.items.append(item)
            }
        }
        continuation.yield()
    }

    /// Shared by every copy of the queue (the worker's and the producers'). A deque, because
    /// under a sustained storm the worker takes 16 at a time from the front of thousands: an
    /// array moved all the rest on every take, under the lock the webhook's requests enqueue
    /// through (a tenth of the triage's CPU, and the requests waited).
    private final class Waiting: Sendable {
        let state = Mutex(State())
    }

    private struct State: Sendable {
        var items: Deque<Item> = []
        /// Items were left to the record since the worker last read it.
        var leftToRecord = false
    }

    /// The oldest waiting items, at most `limit`.
    package func take(upTo limit: Int) -> [Item] {
        waiting.state.withLock { state in
            let taken = Array(state.items.prefix(limit))
            state.items.removeFirst(taken.count)
            return taken
        }
    }

    /// Whether the worker should now read items left to the record: true once, when the queue
    /// has run empty after it was full. Items queued from then on are held again; those the
    /// record read also finds are handled once (the worker remembers the ids it handled).
    package func takeLeftToRecord() -> Bool {
        waiting.state.withLock { state in
            guard state.items.isEmpty, state.leftToRecord else { return false }
            state.leftToRecord = false
            return true
        }
    }
}
