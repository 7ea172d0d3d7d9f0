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
        /// Parts of buffered scheduled runs a drain left out because PostgreSQL held them already.
        var windowPartsDropped = 0
        /// `serve` started while PostgreSQL was unreachable: its migrations wait for it.
        var schemaPending = false
        /// Windows (schedule and start) this process verifies without claims, with how many runs.
        var windowsWithoutClaims: [String: Int] = [:]
    }

    /// What `/debug/healthz` and the metrics show.
    package struct Status: Sendable, Equatable {
        package var depth: Int
        package var refused: Int
        package var drained: Int
        package var unreachableSince: Date?
        package var lastError: String?
        package var journalError: String?
        package var windowPartsDropped = 0
        /// Started while PostgreSQL was unreachable; the schema is migrated when it answers.
        package var schemaPending = false
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
                lastError: state.lastError, journalError: state.journalError, windowPartsDropped: state.windowPartsDropped,
                schemaPending: state.schemaPending)
        }
    }

    package var unreachableSince: Date? { state.withLock { $0.unreachableSince } }
    package var depth: Int { state.withLock { $0.depth } }

    /// Writes `items` to PostgreSQL through `direct`, or to the buffer when anything waits there,
    /// PostgreSQL is known to be down, or `direct` finds it unreachable (within ``writeDeadline``).
    /// `buffered` turns the buffer's answer (added, or already waiting) into the caller's.
    /// A write PostgreSQL refuses is not buffered: the refusal is the answer.
    /// `always` sends the items to the buffer whatever the state (a run verified without claims).
    package func write<Value: Sendable>(
        _ items: [BufferedItem], always: Bool = false, direct: @escaping @Sendable () async throws(StoreError) -> Value,
        buffered: ([Bool]) -> Value
    ) async throws(StoreError) -> Value {
        let mustBuffer = always || state.withLock { $0.depth > 0 || $0.unreachableSince != nil }
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

    /// `serve` starts while PostgreSQL cannot be reached: it runs on the buffer, and the schema's
    /// migrations (and the start's reads) wait until PostgreSQL answers.
    package func startedUnreachable(_ error: StoreError) {
        state.withLock { $0.schemaPending = true }
        markUnreachable(error)
    }

    /// The schema is migrated; `serve` runs as if PostgreSQL had answered at its start.
    package func schemaMigrated() {
        state.withLock { $0.schemaPending = false }
    }

    // MARK: - Windows verified without claims (the scheduler while PostgreSQL is down)

    /// Runs `body` (a verification of `schedule`'s window starting at `windowStart`, done without
    /// claims because PostgreSQL is down) so that its run is written to the buffer even if
    /// PostgreSQL answers again meanwhile: the drain is where its parts are checked against what
    /// other replicas recorded (``PostgresStore/writeDrained(_:)``).
    package func withoutClaims<Value: Sendable>(
        schedule: String, windowStart: Date, _ body: () async -> Value
    ) async -> Value {
        let key = Self.windowKey(schedule, windowStart)
        state.withLock { $0.windowsWithoutClaims[key, default: 0] += 1 }
        defer {
            state.withLock { state in
                state.windowsWithoutClaims[key, default: 1] -= 1
                if state.windowsWithoutClaims[key] == 0 { state.windowsWithoutClaims[key] = nil }
            }
        }
        return await body()
    }

    /// Whether `run` was verified without claims (its run must go through the buffer).
    func verifiedWithoutClaims(_ run: VerificationRun) -> Bool {
        guard case .schedule = run.trigger else { return false }
        let keys = Set(run.outcomes.compactMap { outcome in outcome.window.map { Self.windowKey(outcome.schedule, $0.start) } })
        return state.withLock { state in keys.contains { state.windowsWithoutClaims[$0] != nil } }
    }

    private static func windowKey(_ schedule: String, _ start: Date) -> String {
        "\(schedule)/\(start.timeIntervalSince1970)"
    }

    // MARK: - Draining (BufferDrainService)

    func drained(through seq: Int64, count: Int) throws(StoreError) {
        try journal.remove(through: seq) { depth in state.withLock { $0.depth = depth } }
        state.withLock { $0.drained += count }
    }

    /// A drain left out parts of buffered scheduled runs that PostgreSQL held already.
    func droppedWindowParts(_ dropped: [DroppedWindowParts]) {
        guard !dropped.isEmpty else { return }
        state.withLock { $0.windowPartsDropped += dropped.reduce(0) { $0 + $1.assets.count } }
        for drop in dropped {
            logger.notice(
                "a run verified while PostgreSQL was down is stored without the assets another run had already verified for its window",
                metadata: [
                    "run": "\(drop.runID)", "schedule": "\(drop.schedule)", "window_start": "\(RFC3339.format(drop.windowStart))",
                    "assets": "\(drop.assets.joined(separator: ", "))", "run_stored": "\(drop.runKept)",
                ])
        }
    }

    func refused(_ entry: BufferEntry, error: StoreError) throws(StoreError) {
        try journal.refuse(entry.seq, error: error.message, at: Date()) { depth in state.withLock { $0.depth = depth } }
        state.withLock { $0.refused += 1 }
        logger.error(
            "PostgreSQL refused a buffered write; it is kept in the buffer's refused table",
            metadata: ["buffer": "\(path)", "kind": "\(entry.item.kind)", "key": "\(entry.item.key)", "error": "\(error)"])
    }
}
