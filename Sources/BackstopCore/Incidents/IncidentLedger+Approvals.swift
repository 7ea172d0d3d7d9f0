import Foundation

extension IncidentLedger {
    /// An answered retry approval on its incident: a timeline entry and, for a tracker that
    /// takes comments, a comment saying who answered, why, and what it means for the incident.
    /// The incident itself does not change: a denial or an expiry leaves it open, an approval
    /// leaves it to the retry's outcome.
    package func decided(_ approval: Approval, incident: Incident, now: Date) -> LedgerChange {
        let text = Self.decisionText(approval, incident: incident, dryRun: policy.dryRun)
        let reportURL = policy.reportURL(incident: incident.id)
        var change = LedgerChange()
        change.events.append(IncidentEvent(incidentID: incident.id, at: now, kind: .approval, text: text))
        if let sink = policy.sink, policy.traits(of: sink).takesUpdates {
            let comment = text + (reportURL.map { "\nReport: \($0)" } ?? "")
            let payload = OutboxPayload(
                title: incident.title, summary: text, markdown: comment, dedupKey: incident.dedupKey, asset: incident.asset,
                cause: incident.cause, schedule: incident.schedule, reportURL: reportURL,
                details: ["approval": approval.id, "decision": approval.state.rawValue, "decided_by": approval.decidedBy ?? "-"],
                occurredAt: now)
            change.messages.append(OutboxMessage(incidentID: incident.id, target: sink, action: .update, payload: payload, createdAt: now))
        }
        return change
    }

    /// "Retry approval apr_… denied by bob (the disk is being replaced): …". Says what ran or
    /// will not, and that the incident stays open when nothing will fix it on its own.
    package static func decisionText(_ approval: Approval, incident: Incident, dryRun: Bool) -> String {
        let command = "`\(approval.argv.joined(separator: " "))`"
        let who = approval.decidedBy ?? "-"
        let why = approval.comment.map { " (\($0))" } ?? ""
        let stays = incident.state == .open ? " The incident stays open until \(approval.asset) verifies healthy." : ""
        switch approval.state {
        case .approved:
            let next =
                dryRun
                ? "dry run: \(command) is not run."
                : "Backstop runs \(command) once and verifies \(approval.asset) again."
            return "Retry approval \(approval.id) approved by \(who)\(why). \(next)"
        case .denied:
            return "Retry approval \(approval.id) denied by \(who)\(why): \(command) is not run.\(stays)"
        case .expired:
            // The deadline, not when it was noticed: serve may have been down then.
            return
                "Retry approval \(approval.id) expired unanswered: no answer by \(RFC3339.format(approval.expiresAt)) "
                + "(recovery.approval.timeout), so \(command) was not run.\(stays)"
        case .pendingApproval:
            return "Retry approval \(approval.id) is pending: \(command) waits for an operator."
        }
    }
}
