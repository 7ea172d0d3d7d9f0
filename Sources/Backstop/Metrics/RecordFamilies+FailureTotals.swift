import BackstopCore

/// The failure counters that exist from the first scrape, so `increase()` and alerts see the
/// first failure of any asset and of any cause.
///
/// `backstop_backup_failures_total{asset,cause}` keeps appearing only with an asset's first
/// failure of a cause: zeroing every asset × cause would be 10 series per asset (about 0.6 MB
/// per 1,000 assets, beyond issue 17's exposition budget at 10,000). Instead two counters
/// derived from the same record carry the zeros: one per configured asset (any cause) and one
/// per known cause (all assets). Both are sums of the asset × cause counter, so all three agree.
extension RecordFamilies {
    func renderFailureTotals(_ snapshot: MetricsSnapshot, into writer: inout ExpositionWriter) {
        var perAsset: [String: Int] = [:]
        var perCause: [String: Int] = [:]
        for name in configured.keys { perAsset[name] = 0 }
        for cause in FailureCause.allCases { perCause[cause.rawValue] = 0 }
        for (key, count) in snapshot.backupFailures {
            perAsset[key.asset, default: 0] += count
            perCause[key.cause, default: 0] += count
        }
        writer.begin(MetricNames.assetFailures, .counter)
        for asset in LabelOrder.sorted(perAsset.keys) { writer.sample([("asset", asset)], .int(perAsset[asset] ?? 0)) }
        writer.end()
        writer.begin(MetricNames.causeFailures, .counter)
        for cause in LabelOrder.sorted(perCause.keys) { writer.sample([("cause", cause)], .int(perCause[cause] ?? 0)) }
        writer.end()
    }
}
