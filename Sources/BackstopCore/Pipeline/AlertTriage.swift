import Foundation

/// The alert path up to its findings: each new firing alert of a notification in the intake
/// record is mapped to an asset and diagnosed (its annotations, then the logs of the service it
/// names, then the asset's last verification), with its logs correlated. The ``IncidentDesk``
/// decides what the findings open, join or resolve.
package struct AlertTriage<Store: IncidentStore & RunStore>: Sendable {
    package var assets: [String: Asset]
    package var mapping: AlertMapping
    package var correlation: LogCorrelation
    package var classifier: FailureClassifier
    package var store: Store
    package var clock: any WallClock

    package init(
        assets: [Asset], mapping: AlertMapping, correlation: LogCorrelation, classifier: FailureClassifier, store: Store,
        clock: any WallClock
    ) {
        self.assets = Dictionary(assets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.mapping = mapping
        self.correlation = correlation
        self.classifier = classifier
        self.store = store
        self.clock = clock
    }

    /// Nil when the notification was triaged already. Alerts acted on before (repeats, HA peers)
    /// are left out.
    package func findings(for notification: AlertNotification) async throws(StoreError) -> AlertFindings? {
        var batch = try await self.batch([notification])
        return try await batch.findings(for: notification)
    }

    /// Diagnosis and correlated logs for the alerts about one asset, the logs as `fetchLogs` gives them.
    func investigate(
        name: String, asset: Asset?, service: String?, alerts: [ReceivedAlert], now: Date
    ) async throws(StoreError) -> (diagnosis: Diagnosis, logs: CorrelatedLogs) {
        let roles = asset.map(LogCorrelation.services(of:)) ?? service.map { [($0, "source")] } ?? []
        let since = alerts.map(\.startsAt).min() ?? now
        let text = alerts.flatMap(AlertReport.describe)
        let logs = await correlation.correlate(
            roles: roles, focus: since, evidence: text, from: since.addingTimeInterval(-correlation.paddingBefore.seconds), to: now)
        let diagnosis: Diagnosis
        // An abstention (cause unknown) from the alert text lets the logs and the last verification speak.
        if let fromAlert = classifier.classify(output: text.joined(separator: "\n")), fromAlert.cause != .unknown {
            diagnosis = fromAlert
        } else if let fromLogs = classifier.classify(
            output: logs.services.flatMap { $0.lines.map(\.text) }.joined(separator: "\n")), fromLogs.cause != .unknown
        {
            diagnosis = Diagnosis(
                cause: fromLogs.cause, confidence: fromLogs.confidence * 0.9,
                evidence: ["from the logs of \(roles.map(\.service).joined(separator: ", ")):"] + fromLogs.evidence,
                rule: fromLogs.rule)
        } else if asset != nil, let outcome = try await store.latestOutcome(asset: name), outcome.state.isFailure,
            let last = outcome.diagnosis
        {
            diagnosis = Diagnosis(
                cause: last.cause, confidence: last.confidence,
                evidence: ["from Backstop's last verification of \(name):"] + last.evidence, rule: last.rule)
        } else {
            diagnosis = Diagnosis(
                cause: .unknown, confidence: 0.2,
                evidence: ["no known failure message in the alert or the logs; the alert said:"] + text.prefix(3), rule: "none")
        }
        return (diagnosis, logs)
    }
}
