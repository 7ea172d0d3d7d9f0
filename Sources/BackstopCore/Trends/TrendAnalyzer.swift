import Foundation

/// Computes a ``TrendReport`` from the rows of a period. Pure: the same inputs give the same report.
package struct TrendAnalyzer: Sendable {
    /// Configured assets: name → schedule (every one appears, even when never verified).
    package var assets: [(name: String, schedule: String)]
    /// How many entries the slowest and fastest-growing lists keep.
    package var top: Int

    package init(assets: [(name: String, schedule: String)], top: Int = 5) {
        self.assets = assets
        self.top = top
    }

    package func analyze(_ inputs: TrendInputs, from: Date, to: Date) -> TrendReport {
        let failures = inputs.verifications.filter(\.failed)
        let byAsset = Dictionary(grouping: inputs.verifications, by: \.asset)
        let openingsByAsset = Dictionary(grouping: inputs.openings, by: \.asset)
        let resolutionsByAsset = Dictionary(grouping: inputs.resolutions, by: \.asset)
        var names = assets.map(\.name)
        for asset in byAsset.keys.sorted() where !names.contains(asset) { names.append(asset) }
        let schedules = Dictionary(assets.map { ($0.name, $0.schedule) }, uniquingKeysWith: { first, _ in first })

        let assetTrends = names.map { name -> TrendReport.AssetTrend in
            let verified = byAsset[name] ?? []
            let failed = verified.filter(\.failed).count
            return TrendReport.AssetTrend(
                asset: name, schedule: schedules[name] ?? verified.last?.schedule ?? "", verifications: verified.count, failures: failed,
                failureRate: verified.isEmpty ? 0 : Double(failed) / Double(verified.count),
                incidents: openingsByAsset[name]?.count ?? 0, mttrSeconds: Self.mean(resolutionsByAsset[name]?.map(\.seconds) ?? []))
        }.sorted { ($0.failureRate, $0.failures, $1.asset) > ($1.failureRate, $1.failures, $0.asset) }

        let scheduleNames = Array(Set(assets.map(\.schedule) + inputs.verifications.map(\.schedule))).sorted()
        let bySchedule = Dictionary(grouping: inputs.verifications, by: \.schedule)
        let scheduleTrends = scheduleNames.map { name -> TrendReport.ScheduleTrend in
            let verified = bySchedule[name] ?? []
            let failed = verified.filter(\.failed).count
            return TrendReport.ScheduleTrend(
                schedule: name, verifications: verified.count, failures: failed,
                failureRate: verified.isEmpty ? 0 : Double(failed) / Double(verified.count))
        }.sorted { ($0.failureRate, $1.schedule) > ($1.failureRate, $0.schedule) }

        let recurring = Dictionary(grouping: inputs.openings) { "\($0.asset)\u{1F}\($0.cause)" }.values
            .filter { $0.count >= 2 }
            .map { group -> TrendReport.RecurringCause in
                let first = group[0]
                return TrendReport.RecurringCause(
                    asset: first.asset, cause: first.cause, incidents: group.count,
                    failures: failures.filter { $0.asset == first.asset && $0.cause == first.cause }.count,
                    last: group.map(\.at).max() ?? first.at)
            }
            .sorted { ($0.incidents, $1.asset, $1.cause) > ($1.incidents, $0.asset, $0.cause) }

        let restores = Dictionary(grouping: inputs.restoreTests, by: \.asset).map { asset, tests -> TrendReport.RestoreTrend in
            let ordered = tests.sorted { $0.at < $1.at }
            let durations = ordered.map(\.seconds)
            return TrendReport.RestoreTrend(
                asset: asset, tests: tests.count, failed: tests.filter { !$0.passed }.count, medianSeconds: Self.median(durations),
                maxSeconds: durations.max() ?? 0, lastSeconds: durations.last ?? 0, growth: Self.growth(durations))
        }
        let slowest = restores.sorted { ($0.medianSeconds, $1.asset) > ($1.medianSeconds, $0.asset) }.prefix(top)
        let growing = restores.filter { ($0.growth ?? 0) > 0 }.sorted { ($0.growth ?? 0, $1.asset) > ($1.growth ?? 0, $0.asset) }.prefix(
            top)

        return TrendReport(
            from: from, to: to, verifications: inputs.verifications.count, failures: failures.count,
            failureRate: inputs.verifications.isEmpty ? 0 : Double(failures.count) / Double(inputs.verifications.count),
            incidentsOpened: inputs.openings.count, incidentsResolved: inputs.resolutions.count,
            mttrSeconds: Self.mean(inputs.resolutions.map(\.seconds)), assets: assetTrends, schedules: scheduleTrends,
            recurring: recurring,
            slowestRestores: Array(slowest), fastestGrowingRestores: Array(growing),
            neverRestoreTested: assets.map(\.name).filter { !inputs.everRestoreTested.contains($0) })
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }

    /// Latest third over earliest third, minus one: robust to one slow outlier at either end.
    static func growth(_ durations: [Double]) -> Double? {
        guard durations.count >= 3 else { return nil }
        let third = max(1, durations.count / 3)
        guard let early = mean(Array(durations.prefix(third))), let late = mean(Array(durations.suffix(third))), early > 0 else {
            return nil
        }
        return late / early - 1
    }
}
