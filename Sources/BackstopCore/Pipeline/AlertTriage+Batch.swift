import Foundation

extension AlertTriage {
    /// Starts the triage of notifications queued together: which are triaged already and which of
    /// their alerts were acted on are read once for the batch, not once per notification.
    package func batch(_ notifications: [AlertNotification]) async throws(StoreError) -> Batch {
        let triaged = try await store.triagedIDs(among: notifications.map(\.id))
        let handled = try await store.handledAlertTransitions(notifications.flatMap { $0.alerts.map(\.transition) })
        return Batch(triage: self, triaged: triaged, handled: Set(handled.keys), now: clock.now)
    }

    /// The triage of a batch of notifications, each in arrival order, with the same findings as
    /// one at a time: the caller hands each decision back (``decided(_:)``), so an alert repeated
    /// later in the batch is known as acted on. Alerts with the same text about the same asset
    /// since the same moment share one diagnosis and one read of the logs (an alert storm repeats
    /// the same alert under many group keys), correlated up to the batch's start.
    package struct Batch: Sendable {
        let triage: AlertTriage
        let triaged: Set<String>
        private(set) var handled: Set<AlertTransition.Key>
        let now: Date
        private var investigations: [Investigation: (diagnosis: Diagnosis, logs: CorrelatedLogs)] = [:]

        init(triage: AlertTriage, triaged: Set<String>, handled: Set<AlertTransition.Key>, now: Date) {
            self.triage = triage
            self.triaged = triaged
            self.handled = handled
            self.now = now
        }

        /// What a finding's diagnosis and logs depend on.
        private struct Investigation: Hashable {
            var asset: String
            var service: String?
            var since: Date
            var text: [String]
        }

        /// Nil when the notification was triaged already. Alerts acted on before (repeats, HA
        /// peers, or earlier in this batch) are left out.
        package mutating func findings(for notification: AlertNotification) async throws(StoreError) -> AlertFindings? {
            guard !triaged.contains(notification.id) else { return nil }
            let fresh = notification.alerts.filter { !handled.contains($0.transition) }
            let firing = fresh.filter { $0.status == .firing }
            return AlertFindings(
                notification: notification, firing: firing.isEmpty ? [] : try await investigate(firing),
                resolved: fresh.filter { $0.status == .resolved })
        }

        /// What the desk decided for a notification of the batch: its alerts are acted on now.
        package mutating func decided(_ change: LedgerChange) {
            handled.formUnion(change.alertTransitions.map(\.key))
        }

        /// Groups firing alerts by the asset they map to, and diagnoses and correlates each group.
        private mutating func investigate(_ alerts: [ReceivedAlert]) async throws(StoreError) -> [AlertFinding] {
            let configured = Set(triage.assets.keys)
            var byAsset: [String: (Asset?, String?, [ReceivedAlert])] = [:]
            for alert in alerts {
                switch triage.mapping.target(of: alert.labels, configured: configured) {
                case .asset(let name): byAsset[name, default: (triage.assets[name], nil, [])].2.append(alert)
                case .unmapped(let name, let service): byAsset[name, default: (nil, service, [])].2.append(alert)
                }
            }
            var findings: [AlertFinding] = []
            for (name, (asset, service, grouped)) in byAsset.sorted(by: { $0.key < $1.key }) {
                let key = Investigation(
                    asset: name, service: service, since: grouped.map(\.startsAt).min() ?? now, text: grouped.flatMap(AlertReport.describe))
                let found: (diagnosis: Diagnosis, logs: CorrelatedLogs)
                if let known = investigations[key] {
                    found = known
                } else {
                    found = try await triage.investigate(name: name, asset: asset, service: service, alerts: grouped, now: now)
                    investigations[key] = found
                }
                findings.append(AlertFinding(asset: name, configured: asset, alerts: grouped, diagnosis: found.diagnosis, logs: found.logs))
            }
            return findings
        }
    }
}
