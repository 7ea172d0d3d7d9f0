import BackstopCore
import Logging

/// A store whose writes may wait in a local buffer (PostgreSQL with `storage.postgres.buffer`).
package protocol BufferedStore: RecordStore {
    var buffer: StoreBuffer? { get }
    /// Writes buffered items in one transaction, each unless the store already holds it; what
    /// of buffered scheduled runs was left out because the store held it already.
    func writeDrained(_ entries: [BufferEntry]) async throws(StoreError) -> [DroppedWindowParts]
    /// Whether the store answers.
    func ping() async throws(StoreError)
    /// Brings the schema up to date if `serve` started while the store was unreachable.
    func migrateIfPending() async throws(StoreError)
}

/// Moves what waits in the buffer to the store: the oldest items first, a batch per
/// transaction, each batch removed from the buffer only after the store committed it. A crash
/// in between leaves the batch in both, and the next drain skips what the store holds
/// (``BufferedStore/writeDrained(_:)``), so nothing is stored twice or lost.
package struct BufferDrain: Sendable {
    package let store: any BufferedStore
    package let buffer: StoreBuffer
    package var batchLimit = 256
    /// A drain batch may take longer than a single write.
    package var deadline: Duration = .seconds(30)
    let logger: Logger

    package init(store: any BufferedStore, buffer: StoreBuffer, logger: Logger) {
        self.store = store
        self.buffer = buffer
        self.logger = logger
    }

    /// What one step did.
    package enum Step: Equatable, Sendable {
        /// Nothing waits and PostgreSQL answers (or was not known to be down).
        case idle
        /// `count` items reached the store.
        case drained(Int)
        /// The store cannot be reached; the items wait.
        case unreachable
        /// The buffer or the store failed otherwise (logged); the items wait.
        case failed
    }

    /// Drains one batch (or, with nothing waiting after an outage, checks that the store answers).
    package func step() async -> Step {
        do throws(StoreError) {
            let store = store
            if buffer.unreachableSince != nil {
                // Asked first, briefly, on a connection of its own: while PostgreSQL is down a
                // drain would wait on the pool for as long as the deadline.
                try await Deadline.run(buffer.writeDeadline) { () throws(StoreError) in try await store.ping() }
                // Started without PostgreSQL: its schema first, before anything is written to it.
                try await Deadline.run(deadline) { () throws(StoreError) in try await store.migrateIfPending() }
                buffer.markReachable()
            }
            let entries = try buffer.journal.oldest(limit: batchLimit)
            guard let last = entries.last else { return .idle }
            let dropped: [DroppedWindowParts]
            do throws(StoreError) {
                dropped = try await Deadline.run(deadline) { () throws(StoreError) in try await store.writeDrained(entries) }
            } catch {
                guard !error.isUnavailable else { throw error }
                // Refused, not unreachable: find the item(s) refused, set them aside, drain the rest.
                return try await drainOneByOne(entries)
            }
            try buffer.drained(through: last.seq, count: entries.count)
            buffer.droppedWindowParts(dropped)
            return .drained(entries.count)
        } catch {
            if error.isUnavailable {
                buffer.markUnreachable(error)
                return .unreachable
            }
            logger.error("could not drain the PostgreSQL buffer; trying again", metadata: ["error": "\(error)"])
            return .failed
        }
    }

    private func drainOneByOne(_ entries: [BufferEntry]) async throws(StoreError) -> Step {
        for entry in entries {
            do throws(StoreError) {
                let store = store
                let dropped = try await Deadline.run(deadline) { () throws(StoreError) in try await store.writeDrained([entry]) }
                try buffer.drained(through: entry.seq, count: 1)
                buffer.droppedWindowParts(dropped)
            } catch {
                guard !error.isUnavailable else { throw error }
                try buffer.refused(entry, error: error)
            }
        }
        return .drained(entries.count)
    }
}

extension PostgresStore: BufferedStore {}
