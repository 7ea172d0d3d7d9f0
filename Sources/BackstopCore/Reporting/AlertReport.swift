import Foundation

/// The incident report of an Alertmanager notification: what fired, for which assets, the
/// diagnosis and the correlated logs.
package enum AlertReport {
    /// The alert as lines a person (and the classifier) reads: name, labels, then annotations.
    package static func describe(_ alert: ReceivedAlert) -> [String] {
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

    package static func report(
        _ findings: [AlertFinding], notification: AlertNotification, runbooks: [FailureCause: String], now: Date
    ) -> IncidentReport {
        let failures = findings.map { finding in
            IncidentReport.Failure(
                asset: finding.asset, kind: finding.configured?.kind ?? .service,
                service: finding.configured?.service ?? finding.logs.services.first?.service ?? finding.asset,
                adjacent: finding.configured?.adjacent ?? [], schedule: finding.schedule, window: nil, state: .failed, artifact: nil,
                cause: finding.diagnosis.cause, confidence: finding.diagnosis.confidence,
                evidence: finding.diagnosis.evidence + finding.alerts.flatMap(describe),
                failedChecks: [],
                runbook: finding.alerts.compactMap { $0.annotations["runbook_url"] }.first ?? runbooks[finding.diagnosis.cause],
                logs: finding.logs)
        }
        let names = Set(findings.flatMap { $0.alerts.map(\.name) }).sorted()
        let title =
            findings.count == 1
            ? "\(names.joined(separator: ", ")) firing for \(findings[0].asset): \(findings[0].diagnosis.cause.rawValue)"
            : "\(names.joined(separator: ", ")) firing for \(findings.count) assets: "
                + findings.prefix(4).map { "\($0.asset) (\($0.diagnosis.cause.rawValue))" }.joined(separator: ", ")
        return IncidentReport(
            title: title, runID: notification.id, trigger: .alert(notification.id), runStartedAt: notification.receivedAt,
            runFinishedAt: now, generatedAt: now, assetsChecked: findings.count, failures: failures,
            timeline: timeline(findings, notification: notification),
            attempted: ["Nothing was retried: the alert's own system retries its backups; Backstop diagnosed and correlated."],
            logSourceProblems: Array(Set(findings.flatMap(\.logs.sourceProblems))).sorted())
    }

    private static func timeline(_ findings: [AlertFinding], notification: AlertNotification) -> [IncidentReport.TimelineEntry] {
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
        return timeline.sorted { $0.at < $1.at }
    }
}
