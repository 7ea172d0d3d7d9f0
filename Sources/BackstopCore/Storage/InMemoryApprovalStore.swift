import Foundation

/// An ``ApprovalStore`` in memory, for core tests; it answers as the SQLite store does (the
/// approval conformance suite runs both). The incident and the finished mark are read from the
/// ledger it is given, as SQLite reads them from the same database.
package actor InMemoryApprovalStore: ApprovalStore {
    private struct Entry {
        var approval: Approval
        var started = false
    }

    private let ledger: InMemoryIncidentStore?
    /// Oldest first, as the record appends them.
    private var entries: [Entry] = []

    package init(ledger: InMemoryIncidentStore? = nil) {
        self.ledger = ledger
    }

    package func propose(_ approval: Approval, reason: String) async -> Approval {
        let existing = entries.last { entry in
            entry.approval.asset == approval.asset && entry.approval.action == approval.action
                && (entry.approval.runID == approval.runID
                    || (entry.approval.state == .pendingApproval && entry.approval.expiresAt > approval.requestedAt))
        }
        if let existing { return await complete(existing) }
        var recorded = approval
        recorded.state = .pendingApproval
        (recorded.decidedBy, recorded.decidedAt, recorded.comment, recorded.incident, recorded.execution) = (nil, nil, nil, nil, nil)
        entries.append(Entry(approval: recorded))
        return await complete(Entry(approval: recorded))
    }

    package func approvals(state: Approval.State?, limit: Int) async -> [Approval] {
        var result: [Approval] = []
        for entry in entries.reversed() where state == nil || entry.approval.state == state {
            if limit >= 0, result.count >= limit { break }
            result.append(await complete(entry))
        }
        return result
    }

    package func approval(id: String) async -> Approval? {
        guard let entry = entries.first(where: { $0.approval.id == id }) else { return nil }
        return await complete(entry)
    }

    package func decide(
        id: String, decision: ApprovalDecision, by: String, comment: String?, at: Date
    ) async throws(ApprovalError) -> Approval {
        guard let index = entries.firstIndex(where: { $0.approval.id == id }) else { throw .notFound(id) }
        let current = entries[index].approval
        guard current.state == .pendingApproval else { throw .alreadyDecided(id: id, state: current.state, by: current.decidedBy) }
        if decision != .expired, current.expiresAt <= at {
            record(.expired, at: index, by: "backstop", comment: "timeout", when: at)
        } else {
            record(decision, at: index, by: by, comment: comment, when: at)
        }
        return await complete(entries[index])
    }

    package func expireDue(now: Date) async -> [Approval] {
        var expired: [Approval] = []
        for index in entries.indices where entries[index].approval.state == .pendingApproval && entries[index].approval.expiresAt <= now {
            record(.expired, at: index, by: "backstop", comment: "timeout", when: now)
            expired.append(await complete(entries[index]))
        }
        return expired.reversed()
    }

    package func approvedUnfinished() async -> [Approval] {
        var result: [Approval] = []
        for entry in entries where entry.approval.state == .approved {
            let approval = await complete(entry)
            if approval.execution != .finished { result.append(approval) }
        }
        return result
    }

    package func startRetry(id: String, at: Date) -> Bool {
        guard let index = entries.firstIndex(where: { $0.approval.id == id }), !entries[index].started else { return false }
        entries[index].started = true
        return true
    }

    package func approvalCounts() -> [String: Int] {
        var counts = ["requested": entries.count]
        for entry in entries where entry.approval.state != .pendingApproval { counts[entry.approval.state.rawValue, default: 0] += 1 }
        return counts
    }

    private func record(_ decision: ApprovalDecision, at index: Int, by: String, comment: String?, when: Date) {
        entries[index].approval.state = Approval.State(rawValue: decision.rawValue) ?? .denied
        entries[index].approval.decidedBy = by
        entries[index].approval.decidedAt = when
        entries[index].approval.comment = comment
    }

    /// The parts SQLite joins in: the incident of the asset and cause, and the retry's progress.
    private func complete(_ entry: Entry) async -> Approval {
        var approval = entry.approval
        if let ledger {
            approval.incident = await ledger.incidents(limit: .max, openOnly: false)
                .filter { $0.asset == approval.asset && $0.cause == approval.cause }.max { $0.openedAt < $1.openedAt }?.id
            if await ledger.isTriaged(runID: approval.finishedMark) {
                approval.execution = .finished
                return approval
            }
        }
        approval.execution = entry.started ? .started : nil
        return approval
    }
}
