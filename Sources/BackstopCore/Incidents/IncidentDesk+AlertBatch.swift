import Foundation

/// A storm's notifications decided in one turn of the desk and committed in one transaction.
extension IncidentDesk {
    /// Decides a batch of alert notifications in one turn: `decideEach` hands each notification's
    /// findings to ``AlertDecisions/decide(_:)`` in arrival order, each decision reading the
    /// ledger as the ones before it left it (``PendingLedger``); then every decision is
    /// committed with its notification's triage mark in one transaction, and the consumers
    /// (metrics, delivery) are handed the batch's change once. The same decisions as
    /// ``decide(_:)-(AlertFindings)`` one at a time; a failure commits none of them.
    ///
    /// `marks` are the batch's notification ids: with other processes deciding too, those one of
    /// them committed already are not decided again.
    package func decideTogether(
        marks: [String], _ decideEach: (inout AlertDecisions) async throws(StoreError) -> Void
    ) async throws(StoreError) {
        await turn.wait()
        defer { turn.signal() }
        var decisions = AlertDecisions(desk: self, reads: PendingLedger(store: store))
        if let sharedLock {
            try await sharedLock.lock()
            do {
                decisions.committedElsewhere = try await store.triagedIDs(among: marks)
                try await decideEach(&decisions)
                try await store.commit(batch: decisions.decided.map { MarkedChange($0.change, mark: $0.notification.id) })
            } catch {
                await sharedLock.unlock()
                throw error
            }
            await sharedLock.unlock()
        } else {
            try await decideEach(&decisions)
            try await store.commit(batch: decisions.decided.map { MarkedChange($0.change, mark: $0.notification.id) })
        }
        guard !decisions.decided.isEmpty else { return }
        var batch = LedgerChange()
        for decided in decisions.decided {
            batch.merge(decided.change)
            logAlertDecisions(decided.change, notification: decided.notification)
        }
        // Once per batch: the metrics re-render once, delivery is woken once.
        for consumer in consumers { await consumer.consume(batch) }
    }
}

/// The decisions of one turn of the desk (``IncidentDesk/decideTogether(marks:_:)``), not yet committed.
package struct AlertDecisions: Sendable {
    let desk: IncidentDesk
    var reads: PendingLedger
    /// Notifications another process triaged before this turn began.
    var committedElsewhere: Set<String> = []
    private(set) var decided: [(notification: AlertNotification, change: LedgerChange)] = []

    init(desk: IncidentDesk, reads: PendingLedger) {
        self.desk = desk
        self.reads = reads
    }

    /// Decides one notification's findings after those decided before it in the turn; the
    /// change is committed when the turn ends.
    package mutating func decide(_ findings: AlertFindings) async throws(StoreError) -> LedgerChange {
        if committedElsewhere.contains(findings.notification.id) { return LedgerChange() }
        let change = try await desk.change(for: findings, reads: &reads)
        reads.record(change)
        decided.append((findings.notification, change))
        return change
    }
}
