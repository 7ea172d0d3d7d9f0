import Foundation

/// Composes the incident report of a run: correlates each failed backup's logs, then builds
/// the report. Used by `backstop report`, the API, and (later) incident creation.
package struct RunReporter: Sendable {
    package var correlation: LogCorrelation
    package var builder: ReportBuilder
    package var clock: any WallClock

    package init(correlation: LogCorrelation, builder: ReportBuilder, clock: any WallClock) {
        self.correlation = correlation
        self.builder = builder
        self.clock = clock
    }

    package func report(
        for run: VerificationRun, attempted: [String] = [], recurrences: [String: IncidentReport.Recurrence] = [:]
    ) async -> IncidentReport {
        let failed = run.failedOutcomes.compactMap { outcome in builder.assets[outcome.asset].map { (outcome, $0) } }
        let logs = await withTaskGroup(of: (String, CorrelatedLogs).self) { group in
            for (outcome, asset) in failed {
                group.addTask { (outcome.asset, await correlation.correlate(outcome, asset: asset)) }
            }
            var logs: [String: CorrelatedLogs] = [:]
            for await (asset, correlated) in group { logs[asset] = correlated }
            return logs
        }
        return builder.build(run: run, logs: logs, attempted: attempted, recurrences: recurrences, generatedAt: clock.now)
    }
}
