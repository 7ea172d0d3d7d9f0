import Foundation

/// The outbox of ``InMemoryIncidentStore``: messages in the order they were queued, each
/// numbered as the SQLite table numbers them.
struct InMemoryOutbox: Sendable {
    private(set) var messages: [OutboxMessage] = []
    private var nextID: Int64 = 1

    mutating func insert(_ message: OutboxMessage) {
        var message = message
        message.id = nextID
        nextID += 1
        messages.append(message)
    }

    func message(_ id: Int64) -> OutboxMessage? { messages.first { $0.id == id } }

    mutating func update(_ id: Int64, _ change: (inout OutboxMessage) -> Void) {
        guard let index = messages.firstIndex(where: { $0.id == id }) else { return }
        change(&messages[index])
    }

    /// Pending messages that are next for their incident and target (a message waits for the
    /// older pending ones of its incident and target, so they arrive in order).
    private var headsOfLine: [OutboxMessage] {
        var seen = Set<String>()
        return messages.filter { message in
            guard message.state == .pending else { return false }
            return seen.insert("\(message.incidentID)\u{0}\(message.target.rawValue)").inserted
        }
    }

    func due(now: Date, limit: Int) -> [OutboxMessage] {
        Array(headsOfLine.filter { $0.nextAttemptAt <= now }.prefix(max(0, limit)))
    }

    func oldestPending(incidentID: String, target: SinkKind) -> OutboxMessage? {
        messages.first { $0.state == .pending && $0.incidentID == incidentID && $0.target == target }
    }

    func status(now: Date) -> OutboxStatus {
        let pending = messages.filter { $0.state == .pending }
        return OutboxStatus(
            pending: pending.count,
            oldestPendingAge: pending.map(\.createdAt).min().map { max(0, now.timeIntervalSince($0)) } ?? 0,
            dead: messages.filter { $0.state == .dead }.count, nextDue: headsOfLine.map(\.nextAttemptAt).min())
    }
}
