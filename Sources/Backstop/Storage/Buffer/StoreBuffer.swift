import BackstopCore
import Foundation
import Logging
import Synchronization

/// The local buffer of `storage.postgres.buffer`: while PostgreSQL cannot be reached, the
/// intake's writes (Alertmanager notifications, completion events, verification runs) are
/// committed to ``BufferJournal`` instead, and answered as written; ``BufferDrainService``
/// moves them to PostgreSQL, in order, once it answers again.
///
/// Order is kept by one rule: while anything waits in the buffer, or PostgreSQL is known to be
/// down, every such write goes to the buffer, behind what is already there.
package final class StoreBuffer: Sendable {
    package let journal: BufferJournal
    package var path: String { journal.path }
    /// How long a write waits for PostgreSQL before it goes to the buffer.
    package let writeDeadline: Duration
    let logger: Logger
    private let state: Mutex<State>

    struct State {
        var depth = 0
        var refused = 0
        var drained = 0
        var unreachableSince: Date?
        var lastError: String?
        /// The buffer's own file could not be written: the last safety net is gone.
        var journalError: String?
    }

    /// What `/debug/healthz` and the metrics show.
    package struct Status: Sendable, Equatable {
        package var depth: Int
        package var refused: Int
        package var drained: Int
        package var unreachableSince: Date?
        package var lastError: String?
        package var journalError: String?
        /// Whether writes can go to the buffer now.
        package var writable: Bool { journalError == nil }
    }

    package init(path: String, writeDeadline: Duration = .seconds(5), logger: Logger) throws(StoreError) {
        journal = try BufferJournal(path: path)
        self.writeDeadline = writeDeadline
        self.logger = logger
        let (pending, refused) = try journal.count()
        // Items left from before a stop mean PostgreSQL was down then: they drain first.
        state = Mutex(State(depth: pending, refused: refused))
        if pending > 0 {
            logger.warning(
                "the PostgreSQL buffer holds writes from before the start; they drain first",
                metadata: ["buffer": "\(path)", "depth": "\(pending)"])
        }
    }

    package var status: Status {
        state.withLock { state in
            Status(
                depth: state.depth, refused: state.refused, drained: state.drained, unreachableSince: state.unreachableSince,
                lastError: state.lastError, journalError: state.journalError)
        }
    }

    package var unreachableSince: Date? { state.withLock { $0.unreachableSince } }
    package var depth: Int { state.withLock { $0.depth } }

    /// Writes `items` to PostgreSQL through `direct`, or to the buffer when anything waits there,
    /// PostgreSQL is known to be down, or `direct` finds it unreachable (within ``writeDeadline``).
    /// `buffered` turns the buffer's answer (added, or already waiting) into the caller's.
    /// A write PostgreSQL refuses is not buffered: the refusal is the answer.
    package func write<Value: Sendable>(
        _ items: [BufferedItem], direct: @escaping @Sendable () async throws(StoreError) -> Value, buffered: ([Bool]) -> Value
    ) async throws(StoreError) -> Value {
        let mustBuffer = state.withLock { $0.depth > 0 || $0.unreachableSince != nil }
        if !mustBuffer {
            do throws(StoreError) {
                return try await Deadline.run(writeDeadline, direct)
            } catch {
                guard error.isUnavailable else { throw error }
                markUnreachable(error)
            }
        }
        return buffered(try append(items))
    }

    private func append(_ items: [BufferedItem]) throws(StoreError) -> [Bool] {
        do throws(StoreError) {
            let added = try journal.append(items, at: Date()) { depth in state.withLock { $0.depth = depth } }
            state.withLock { $0.journalError = nil }
            return added
        } catch {
            state.withLock { $0.journalError = error.message }
            logger.critical("cannot write to the PostgreSQL buffer while PostgreSQL is down", metadata: ["error": "\(error)"])
            throw error
        }
    }

    /// PostgreSQL did not answer: reads fail fast and writes go to the buffer until a drain succeeds.
    package func markUnreachable(_ error: StoreError) {
        let first = state.withLock { state -> Bool in
            state.lastError = error.message
            guard state.unreachableSince == nil else { return false }
            state.unreachableSince = Date()
            return true
        }
        if first {
            logger.error(
                "PostgreSQL is unreachable; accepted writes go to the local buffer until it answers",
                metadata: ["buffer": "\(path)", "error": "\(error)"])
        }
    }

    /// PostgreSQL answered (a drain committed or a probe succeeded).
    package func markReachable() {
        let was = state.withLock { state -> Date? in
            defer { state.unreachableSince = nil }
            return state.unreachableSince
        }
        if let was {
            logger.notice(
                "PostgreSQL answers again; the buffer drains into it",
                metadata: ["down_since": "\(RFC3339.format(was))", "depth": "\(depth)"])
        }
    }

    // MARK: - Draining (BufferDrainService)

    func drained(through seq: Int64, count: Int) throws(StoreError) {
        try journal.remove(through: seq) { depth in state.withLock { $0.depth = depth } }
        state.withLock { $0.drained += count }
    }

    func refused(_ entry: BufferEntry, error: StoreError) throws(StoreError) {
        try journal.refuse(entry.seq, error: error.message, at: Date()) { depth in state.withLock { $0.depth = depth } }
        state.withLock { $0.refused += 1 }
        logger.error(
            "PostgreSQL refused a buffered write; it is kept in the buffer's refused table",
            metadata: ["buffer": "\(path)", "kind": "\(entry.item.kind)", "key": "\(entry.item.key)", "error": "\(error)"])
    }
}
