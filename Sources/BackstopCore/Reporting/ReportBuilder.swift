import Foundation

/// Composes an ``IncidentReport`` from a recorded run, the correlated logs of each failure,
/// the runbooks, and what was attempted automatically.
package struct ReportBuilder: Sendable {
    package var assets: [String: Asset]
    package var runbooks: [FailureCause: String]

    package init(assets: [Asset], runbooks: [FailureCause: String]) {
        self.assets = Dictionary(assets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.runbooks = runbooks
    }

    package func build(
        run: VerificationRun, logs: [String: CorrelatedLogs], attempted: [String] = [],
        recurrences: [String: IncidentReport.Recurrence] = [:], generatedAt: Date
    ) -> IncidentReport {
        let failures = run.failedOutcomes.map { outcome -> IncidentReport.Failure in
            let asset = assets[outcome.asset]
            let cause = outcome.cause ?? .unknown
            return IncidentReport.Failure(
                asset: outcome.asset, kind: asset?.kind ?? .service, service: asset?.service ?? outcome.asset,
                adjacent: asset?.adjacent ?? [],
                schedule: outcome.schedule, window: outcome.window, state: outcome.state, artifact: outcome.artifact?.path, cause: cause,
                confidence: outcome.diagnosis?.confidence ?? 0, evidence: outcome.diagnosis?.evidence ?? [],
                failedChecks: outcome.failedChecks,
                runbook: runbooks[cause], logs: logs[outcome.asset], recurrence: recurrences[outcome.asset])
        }
        let title: String
        switch failures.count {
        case 0: title = "All \(run.outcomes.count) backups healthy"
        case 1:
            title = "Backup of \(failures[0].asset) \(failures[0].state == .missing ? "missing" : "failed"): \(failures[0].cause.rawValue)"
        default:
            title =
                "\(failures.count) of \(run.outcomes.count) backups failed: "
                + failures.prefix(4).map { "\($0.asset) (\($0.cause.rawValue))" }.joined(separator: ", ")
                + (failures.count > 4 ? ", …" : "")
        }
        let problems = Array(Set(failures.flatMap { $0.logs?.sourceProblems ?? [] })).sorted()
        return IncidentReport(
            title: title, runID: run.id, trigger: run.trigger, runStartedAt: run.startedAt, runFinishedAt: run.finishedAt,
            generatedAt: generatedAt, assetsChecked: run.outcomes.count, failures: failures,
            timeline: timeline(run: run, failures: failures),
            attempted: attempted.isEmpty ? ["Nothing was attempted automatically: this run only verified and diagnosed."] : attempted,
            logSourceProblems: problems)
    }

    private func timeline(run: VerificationRun, failures: [IncidentReport.Failure]) -> [IncidentReport.TimelineEntry] {
        var entries: [IncidentReport.TimelineEntry] = []
        var windows = Set<BackupWindow>()
        for failure in failures {
            if let window = failure.window, windows.insert(window).inserted {
                entries.append(.init(at: window.start, asset: nil, kind: "window", text: "\(window.schedule) window opened"))
                entries.append(.init(at: window.end, asset: nil, kind: "window", text: "\(window.schedule) window ended"))
            }
        }
        for outcome in run.failedOutcomes {
            if let report = outcome.toolReport, let finished = report.finishedAt {
                entries.append(
                    .init(
                        at: finished, asset: outcome.asset, kind: "backup",
                        text: "backup tool finished: \(report.status.rawValue)"
                            + (report.exitCode.map { " (exit code \($0))" } ?? "")))
            } else if let produced = outcome.producedAt {
                entries.append(.init(at: produced, asset: outcome.asset, kind: "backup", text: "artifact written"))
            }
            for check in outcome.failedChecks where check.kind != .restore {
                entries.append(
                    .init(
                        at: outcome.verifiedAt, asset: outcome.asset, kind: "check",
                        text: "\(check.kind.rawValue) failed: \(check.evidence.message)"))
            }
        }
        for test in run.restoreTests where failures.contains(where: { $0.asset == test.asset }) {
            entries.append(
                .init(
                    at: test.startedAt, asset: test.asset, kind: "restore",
                    text: "restore test \(test.status.rawValue): \(test.evidence.message)"))
        }
        for failure in failures {
            for signal in failure.logs?.signals ?? [] {
                entries.append(
                    .init(
                        at: signal.at, asset: failure.asset, kind: "log_\(signal.kind.rawValue)", text: "\(signal.service): \(signal.text)")
                )
            }
        }
        entries.append(
            .init(at: run.finishedAt, asset: nil, kind: "run", text: "verification run \(run.id) finished: \(run.status.rawValue)"))
        return entries.enumerated().sorted { $0.element.at == $1.element.at ? $0.offset < $1.offset : $0.element.at < $1.element.at }.map(
            \.element)
    }
}
