import Foundation

/// The alert half of the desk's decisions.
extension IncidentDesk {
    /// Opens or joins an incident per finding, with one report for the notification.
    func open(_ findings: [AlertFinding], notification: AlertNotification, reads: inout PendingLedger) async throws(StoreError)
        -> LedgerChange
    {
        let now = clock.now
        let rendered = AlertReport.report(findings, notification: notification, runbooks: runbooks, now: now).rendered
        var change = LedgerChange()
        for finding in findings {
            let open = try await reads.openIncidents(asset: finding.asset)
            // An incident already open for the asset is the same failure seen first by the other
            // path (or an earlier alert): join it rather than page twice.
            let joined = open.first { $0.cause == finding.diagnosis.cause } ?? open.first
            let cause = joined.map { finding.diagnosis.cause == .unknown ? $0.cause : finding.diagnosis.cause } ?? finding.diagnosis.cause
            let key = ledger.policy.dedupKey(asset: finding.asset, cause: cause, schedule: finding.schedule)
            var latest = joined
            if latest == nil { latest = try await reads.latestIncident(dedupKey: key) }
            let failure = TriagedFailure(
                asset: finding.asset, schedule: finding.schedule, cause: cause, evidence: finding.diagnosis.evidence,
                runID: notification.id, failingSince: joined?.openedAt ?? finding.alerts.map(\.startsAt).min() ?? now,
                occurredAt: now, attempted: ["not retried: alerts are retried by the system that raised them"],
                logExcerpt: finding.logs.mostRelevantLines(), reportMarkdown: rendered.markdown, reportJSON: rendered.json)
            let recurrence = joined.map { AlertJoinComments.comment(joining: $0, now: now) } ?? .comment(note: nil)
            let decided = ledger.record(failure, latest: latest, now: now, recurrence: recurrence)
            let incidentID = decided.incidents.first?.id ?? latest?.id
            for alert in finding.alerts {
                change.alertTransitions.append(
                    AlertTransition(
                        key: alert.transition, action: joined == nil ? .opened : .joined, notificationID: notification.id,
                        alertName: alert.name, asset: finding.asset, incidentID: incidentID))
                if let incidentID {
                    change.events.append(
                        IncidentEvent(
                            incidentID: incidentID, at: now, kind: .updated,
                            text: "alert \(alert.name) firing since \(alert.startsAt.formatted(.iso8601)) (\(notification.id))"))
                }
            }
            change.merge(decided)
        }
        return change
    }

    /// Resolves the incident an alert opened once no other alert holds it.
    func resolve(
        _ alerts: [ReceivedAlert], notification: AlertNotification, reads: inout PendingLedger
    ) async throws(StoreError) -> LedgerChange {
        let now = clock.now
        var change = LedgerChange()
        let resolving = Set(alerts.map(\.firingTransition))
        let firings = try await reads.handledAlertTransitions(Array(resolving))
        var resolvedIncidents = Set<String>()
        for alert in alerts {
            let firing = firings[alert.firingTransition]
            var action = AlertTransition.Action.none
            if let firing, firing.action == .opened, let id = firing.incidentID, !resolvedIncidents.contains(id),
                let incident = try await reads.incident(id: id), incident.state == .open
            {
                let stillFiring = try await reads.firingAlerts(incidentID: id).filter { !resolving.contains($0) }
                if stillFiring.isEmpty {
                    change.merge(
                        ledger.resolve(
                            [incident], runID: notification.id, now: now,
                            reason: "alert \(alert.name) resolved in Alertmanager (\(notification.id))"))
                    resolvedIncidents.insert(id)
                    action = .resolved
                }
            }
            change.alertTransitions.append(
                AlertTransition(
                    key: alert.transition, action: action, notificationID: notification.id, alertName: alert.name,
                    asset: firing?.asset ?? alert.labels[assetLabel] ?? alert.name, incidentID: firing?.incidentID))
        }
        return change
    }
}
