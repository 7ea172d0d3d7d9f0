import Foundation

/// A ``RunStore`` in memory, for core tests and `--store memory` experiments.
package actor InMemoryRunStore: RunStore {
    private var runs: [VerificationRun] = []
    private var events: [CompletionEvent] = []

    package init() {}

    package func append(_ run: VerificationRun) throws(StoreError) {
        runs.append(run)
    }

    package func append(_ event: CompletionEvent) throws(StoreError) {
        events.append(event)
    }

    package func append(events batch: [CompletionEvent]) throws(StoreError) {
        events += batch
    }

    package func unprocessedEvents() throws(StoreError) -> [CompletionEvent] {
        let processed = Set(
            runs.compactMap { run -> String? in
                if case .event(let id) = run.trigger { return id }
                return nil
            })
        return events.filter { !processed.contains($0.id) }
    }

    package func history(of assets: [String], sizeSamples: Int) throws(StoreError) -> [String: AssetHistory] {
        var result: [String: AssetHistory] = [:]
        for asset in assets {
            var history = AssetHistory()
            let outcomes = runs.reversed().flatMap { $0.outcomes.reversed() }.filter { $0.asset == asset }
            history.recentHealthySizes = outcomes.filter { $0.state == .healthy }.compactMap(\.artifact?.sizeBytes)
                .prefix(sizeSamples).map { $0 }
            let lastTest = runs.reversed().lazy.flatMap { $0.restoreTests.reversed() }.first { $0.asset == asset }
            history.lastRestoreTestAt = lastTest?.startedAt
            history.lastRunFailed = outcomes.first?.state.isFailure == true
            result[asset] = history
        }
        return result
    }

    package func recentRuns(limit: Int) throws(StoreError) -> [RunSummary] {
        runs.suffix(limit).reversed().map(RunSummary.init)
    }

    package func run(id: String) throws(StoreError) -> VerificationRun? {
        runs.first { $0.id == id }
    }

    package func latestOutcomes() throws(StoreError) -> [VerificationOutcome] {
        var latest: [String: VerificationOutcome] = [:]
        for run in runs {
            for outcome in run.outcomes { latest[outcome.asset] = outcome }
        }
        return latest.values.sorted { $0.asset < $1.asset }
    }

    /// Runs whose failures the ledger triages (not aborted, not a triage's own re-verification),
    /// in the order they were appended.
    package func triageCandidates() -> [String] {
        runs.filter { run in
            if case .retry = run.trigger { return false }
            return run.status != .aborted
        }.map(\.id)
    }

    package func metricsSnapshot() throws(StoreError) -> MetricsSnapshot {
        var snapshot = MetricsSnapshot()
        for run in runs { snapshot.apply(run) }
        return snapshot
    }
}
