import Foundation

extension Approval {
    /// The triage mark that says an answer (approved, denied, expired) is on its incident: the
    /// timeline entry, the report's line and the tracker comment were committed together.
    package var decisionMark: String { "approval-decision:\(id)" }
}

/// The approval half of the desk's decisions.
extension IncidentDesk {
    /// Puts an answered retry approval on its incident: a timeline entry, a row in its report's
    /// timeline, and a tracker comment queued in the outbox, all committed in one transaction
    /// with the approval's ``Approval/decisionMark``. The decision itself is in the record
    /// already, so a crash before this commit only delays it to the next pass, and the mark
    /// makes a repeat commit nothing: the comment is queued, and so delivered, once.
    package func announce(_ approval: Approval) async throws(StoreError) {
        guard approval.state != .pendingApproval else { return }
        // Under the turn and, with replicas, the shared lock: one process announces each answer.
        _ = try await exclusively(mark: approval.decisionMark) { () throws(StoreError) in
            guard try await !store.isTriaged(runID: approval.decisionMark) else { return LedgerChange() }
            let change = try await announcement(of: approval)
            try await commit(change, mark: approval.decisionMark)
            logger.notice(
                "retry approval \(approval.state.rawValue) is on its incident",
                metadata: ["approval": "\(approval.id)", "incident": "\(approval.incident ?? "-")", "by": "\(approval.decidedBy ?? "-")"])
            return change
        }
    }

    /// The timeline entry, report amendment and tracker comment that tell `approval`'s answer.
    private func announcement(of approval: Approval) async throws(StoreError) -> LedgerChange {
        let now = clock.now
        var change = LedgerChange()
        if let id = approval.incident, let incident = try await store.incident(id: id) {
            change = ledger.decided(approval, incident: incident, now: now)
            if let report = try await store.latestReport(incidentID: incident.id), let text = change.events.first?.text {
                let entry = IncidentReport.TimelineEntry(
                    at: approval.decidedAt ?? now, asset: approval.asset, kind: "approval_\(approval.state.rawValue)", text: text)
                change.reports.append(ReportAmendment.adding(entry, to: report, at: now))
            }
        } else {
            // The failure's triage never committed an incident: nothing to tell, only to mark.
            logger.warning(
                "an answered retry approval has no incident to show it on",
                metadata: ["approval": "\(approval.id)", "asset": "\(approval.asset)"])
        }
        return change
    }
}
