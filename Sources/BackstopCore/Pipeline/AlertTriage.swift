import Foundation
import Logging

/// What happens to an Alertmanager notification after it is in the intake record: each firing
/// alert is diagnosed (its annotations, then the logs of the service it names, then the asset's
/// last verification), its logs are correlated, and it opens an incident, or joins the one
/// already open for its asset, whichever path saw the failure first. A resolution resolves the
/// incident its alert opened once no other alert holds it. Everything one notification decides
/// is committed in one transaction, with the notification's processed mark.
package struct AlertTriage<Store: IncidentStore & RunStore>: Sendable {
    package var assets: [String: Asset]
    package var mapping: AlertMapping
    package var ledger: IncidentLedger
    package var correlation: LogCorrelation
    package var classifier: FailureClassifier
    package var runbooks: [FailureCause: String]
    package var store: Store
    package var render: @Sendable (IncidentReport) -> (markdown: String, json: String)
    package var clock: any WallClock
    package var logger: Logger
    package var didCommit: @Sendable (LedgerChange) async -> Void
    /// Shared with ``FailureTriage``: one ledger decision at a time.
    private let ledgerLock: AsyncSemaphore

    package init(
        assets: [Asset], mapping: AlertMapping, ledger: IncidentLedger, correlation: LogCorrelation, classifier: FailureClassifier,
        runbooks: [FailureCause: String], store: Store, render: @escaping @Sendable (IncidentReport) -> (markdown: String, json: String),
        clock: any WallClock, logger: Logger, ledgerLock: AsyncSemaphore = AsyncSemaphore(permits: 1),
        didCommit: @escaping @Sendable (LedgerChange) async -> Void = { _ in }
    ) {
        self.ledgerLock = ledgerLock
        self.assets = Dictionary(assets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.mapping = mapping
        self.ledger = ledger
        self.correlation = correlation
        self.classifier = classifier
        self.runbooks = runbooks
        self.store = store
        self.render = render
        self.clock = clock
        self.logger = logger
        self.didCommit = didCommit
    }

    /// The alerts of one notification that point at the same asset, with what was found about them.
    struct Finding: Sendable {
        var asset: String
        var configured: Asset?
        var alerts: [ReceivedAlert]
        var diagnosis: Diagnosis
        var logs: CorrelatedLogs
        var schedule: String { configured?.scheduleName ?? "alertmanager" }
    }

    package func triage(_ notification: AlertNotification) async throws(StoreError) {
        guard try await !store.isTriaged(runID: notification.id) else { return }
        let handled = try await store.handledAlertTransitions(notification.alerts.map(\.transition))
        let fresh = notification.alerts.filter { handled[$0.transition] == nil }
        let firing = fresh.filter { $0.status == .firing }
        let resolved = fresh.filter { $0.status == .resolved }
        // Logs are read before the ledger is locked: a slow log source must not hold the
        // verification path's decisions.
        let findings = firing.isEmpty ? [] : try await investigate(firing)

        await ledgerLock.wait()
        defer { ledgerLock.signal() }
        var change = LedgerChange()
        if !findings.isEmpty {
            change.merge(try await open(findings, notification: notification))
        }
        if !resolved.isEmpty {
            change.merge(try await resolve(resolved, notification: notification))
        }
        try await store.commit(change, triagedRunID: notification.id)
        for transition in change.alertTransitions {
            logger.notice(
                "alert \(transition.key.status.rawValue): \(transition.action.rawValue)",
                metadata: [
                    "alert": "\(transition.alertName)", "asset": "\(transition.asset)", "incident": "\(transition.incidentID ?? "-")",
                    "notification": "\(notification.id)",
                ])
        }
        await didCommit(change)
    }

    // MARK: - Firing

    /// Groups firing alerts by the asset they map to, and diagnoses and correlates each group.
    private func investigate(_ alerts: [ReceivedAlert]) async throws(StoreError) -> [Finding] {
        let configured = Set(assets.keys)
        var byAsset: [String: (Asset?, String?, [ReceivedAlert])] = [:]
        for alert in alerts {
            switch mapping.target(of: alert.labels, configured: configured) {
            case .asset(let name): byAsset[name, default: (assets[name], nil, [])].2.append(alert)
            case .unmapped(let name, let service): byAsset[name, default: (nil, service, [])].2.append(alert)
            }
        }
        var findings: [Finding] = []
        for (name, (asset, service, grouped)) in byAsset.sorted(by: { $0.key < $1.key }) {
            findings.append(try await investigate(name: name, asset: asset, service: service, alerts: grouped))
        }
        return findings
    }

    /// Opens or joins an incident per finding, with one report for the notification.
    private func open(_ findings: [Finding], notification: AlertNotification) async throws(StoreError) -> LedgerChange {
        let now = clock.now
        let report = report(findings, notification: notification, now: now)
        let rendered = render(report)
        var change = LedgerChange()
        for finding in findings {
            let open = try await store.openIncidents(asset: finding.asset)
            // An incident already open for the asset is the same failure seen first by the other
            // path (or an earlier alert): join it rather than page twice.
            let joined = open.first { $0.cause == finding.diagnosis.cause } ?? open.first
            let cause = joined.map { finding.diagnosis.cause == .unknown ? $0.cause : finding.diagnosis.cause } ?? finding.diagnosis.cause
            let key = ledger.policy.dedupKey(asset: finding.asset, cause: cause, schedule: finding.schedule)
            var latest = joined
            if latest == nil { latest = try await store.latestIncident(dedupKey: key) }
            let failure = TriagedFailure(
                asset: finding.asset, schedule: finding.schedule, cause: cause, evidence: finding.diagnosis.evidence,
                runID: notification.id, failingSince: joined?.openedAt ?? finding.alerts.map(\.startsAt).min() ?? now,
                occurredAt: now, attempted: ["not retried: alerts are retried by the system that raised them"],
                logExcerpt: finding.logs.mostRelevantLines(), reportMarkdown: rendered.markdown,
                reportJSON: rendered.json)
            let decided = ledger.record(failure, latest: latest, now: now)
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

    /// Diagnosis and correlated logs for the alerts about one asset.
    private func investigate(
        name: String, asset: Asset?, service: String?, alerts: [ReceivedAlert]
    ) async throws(StoreError) -> Finding {
        let roles = asset.map(LogCorrelation.services(of:)) ?? service.map { [($0, "source")] } ?? []
        let since = alerts.map(\.startsAt).min() ?? clock.now
        let text = alerts.flatMap(Self.describe)
        let logs = await correlation.correlate(
            roles: roles, focus: since, evidence: text, from: since.addingTimeInterval(-correlation.paddingBefore.seconds),
            to: clock.now)
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
        return Finding(asset: name, configured: asset, alerts: alerts, diagnosis: diagnosis, logs: logs)
    }

    /// The alert as lines a person (and the classifier) reads: name, labels, then annotations.
    static func describe(_ alert: ReceivedAlert) -> [String] {
        let labels = alert.labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var lines = ["\(alert.name) {\(labels.joined(separator: ", "))}"]
        for key in ["summary", "description", "message"] {
            if let value = alert.annotations[key], !value.isEmpty { lines.append("\(key): \(value)") }
        }
        for (key, value) in alert.annotations.sorted(by: { $0.key < $1.key })
        where !["summary", "description", "message", "runbook_url"].contains(key) && !value.isEmpty {
            lines.append("\(key): \(value)")
        }
        return lines
    }

    private func report(_ findings: [Finding], notification: AlertNotification, now: Date) -> IncidentReport {
        let failures = findings.map { finding in
            IncidentReport.Failure(
                asset: finding.asset, kind: finding.configured?.kind ?? .service,
                service: finding.configured?.service ?? finding.logs.services.first?.service ?? finding.asset,
                adjacent: finding.configured?.adjacent ?? [], schedule: finding.schedule, window: nil, state: .failed, artifact: nil,
                cause: finding.diagnosis.cause, confidence: finding.diagnosis.confidence,
                evidence: finding.diagnosis.evidence + finding.alerts.flatMap(Self.describe),
                failedChecks: [],
                runbook: finding.alerts.compactMap { $0.annotations["runbook_url"] }.first ?? runbooks[finding.diagnosis.cause],
                logs: finding.logs)
        }
        var timeline: [IncidentReport.TimelineEntry] = []
        for finding in findings {
            for alert in finding.alerts {
                timeline.append(
                    .init(
                        at: alert.startsAt, asset: finding.asset, kind: "alert",
                        text: "\(alert.name) started firing" + (alert.generatorURL.map { " (\($0))" } ?? "")))
            }
            for signal in finding.logs.signals {
                timeline.append(
                    .init(at: signal.at, asset: finding.asset, kind: "log", text: "\(signal.kind.rawValue) in \(signal.service)"))
            }
        }
        timeline.append(
            .init(
                at: notification.receivedAt, asset: nil, kind: "alert",
                text: "Alertmanager notification received from receiver \(notification.receiver)"))
        let names = Set(findings.flatMap { $0.alerts.map(\.name) }).sorted()
        let title =
            findings.count == 1
            ? "\(names.joined(separator: ", ")) firing for \(findings[0].asset): \(findings[0].diagnosis.cause.rawValue)"
            : "\(names.joined(separator: ", ")) firing for \(findings.count) assets: "
                + findings.prefix(4).map { "\($0.asset) (\($0.diagnosis.cause.rawValue))" }.joined(separator: ", ")
        return IncidentReport(
            title: title, runID: notification.id, trigger: .alert(notification.id), runStartedAt: notification.receivedAt,
            runFinishedAt: now, generatedAt: now, assetsChecked: findings.count, failures: failures,
            timeline: timeline.sorted { $0.at < $1.at },
            attempted: ["Nothing was retried: the alert's own system retries its backups; Backstop diagnosed and correlated."],
            logSourceProblems: Array(Set(findings.flatMap(\.logs.sourceProblems))).sorted())
    }

    // MARK: - Resolved

    private func resolve(_ alerts: [ReceivedAlert], notification: AlertNotification) async throws(StoreError) -> LedgerChange {
        let now = clock.now
        var change = LedgerChange()
        let resolving = Set(alerts.map(\.firingTransition))
        let firings = try await store.handledAlertTransitions(Array(resolving))
        var resolvedIncidents = Set<String>()
        for alert in alerts {
            let firing = firings[alert.firingTransition]
            var action = AlertTransition.Action.none
            if let firing, firing.action == .opened, let id = firing.incidentID, !resolvedIncidents.contains(id),
                let incident = try await store.incident(id: id), incident.state == .open
            {
                let stillFiring = try await store.firingAlerts(incidentID: id).filter { !resolving.contains($0) }
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
                    asset: firing?.asset ?? alert.labels[mapping.assetLabel] ?? alert.name, incidentID: firing?.incidentID))
        }
        return change
    }
}
