import BackstopCore

/// The failure counter by cause that exists from the first scrape, so `increase()` and alerts
/// see the first failure of any cause.
///
/// `backstop_backup_failures_total{asset,cause}` keeps appearing only with an asset's first
/// failure of a cause: zeroing every asset × cause would be 10 series per asset (about 0.6 MB
/// per 1,000 assets, beyond issue 17's exposition budget at 10,000). The zeros are carried by a
/// counter per known cause (all assets), a sum of the asset × cause counter. There is no zeroed
/// counter per asset: no rule or panel read it, and it was a sixth of the exposition at 10,000
/// assets (`backstop_backup_up` falls to 0 and `backstop_checksum_failures_total` starts at 0
/// for the first failure of an asset).
extension RecordFamilies {
    func renderFailureTotals(_ snapshot: MetricsSnapshot, into writer: inout ExpositionWriter) {
        var perCause: [String: Int] = [:]
        for cause in FailureCause.allCases { perCause[cause.rawValue] = 0 }
        for (key, count) in snapshot.backupFailures { perCause[key.cause, default: 0] += count }
        writer.begin(MetricNames.causeFailures, .counter)
        for cause in LabelOrder.sorted(perCause.keys) { writer.sample([("cause", cause)], .int(perCause[cause] ?? 0)) }
        writer.end()
    }
}
