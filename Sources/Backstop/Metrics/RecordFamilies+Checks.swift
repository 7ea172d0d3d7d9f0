import BackstopCore

/// The check families. Checks performed are counted by check for all assets together: per
/// asset they are the asset's verifications times its checks, 6 series per asset that say
/// little (at 10,000 assets, a third of the exposition). Failed checks keep the asset, created at
/// its first failure of a check, as `backstop_backup_failures_total` is; the two checks that
/// alerts watch per asset (checksum, restore) have their own counters at 0 from the start.
extension RecordFamilies {
    /// Checks in sample order (by their label value).
    private static let checkOrder: [CheckKind] = {
        let byValue = Dictionary(uniqueKeysWithValues: CheckKind.allCases.map { ($0.rawValue, $0) })
        return LabelOrder.sorted(byValue.keys).compactMap { byValue[$0] }
    }()

    func renderChecks(
        _ snapshot: MetricsSnapshot, checksOf: [String: [CheckKind: MetricsSnapshot.Counts]], assets: [String],
        into writer: inout ExpositionWriter
    ) {
        writer.begin(MetricNames.checkFailures, .counter)
        for asset in assets {
            guard let counts = checksOf[asset] else { continue }
            for check in Self.checkOrder {
                if let failures = counts[check]?.failures, failures > 0 {
                    writer.sample([("asset", asset), ("check", check.rawValue)], .int(failures))
                }
            }
        }
        writer.end()
        var performed = Dictionary(uniqueKeysWithValues: CheckKind.allCases.map { ($0, 0) })
        for (key, counts) in snapshot.checks { performed[key.check, default: 0] += counts.total }
        writer.begin(MetricNames.checks, .counter)
        for check in Self.checkOrder { writer.sample([("check", check.rawValue)], .int(performed[check] ?? 0)) }
        writer.end()
        writer.begin(MetricNames.checksumBytes, .counter)
        writer.sample([], .int(Int(snapshot.checksumBytes)))
        writer.end()
        writer.begin(MetricNames.checksumFailures, .counter)
        for asset in assets {
            let checksum = checksOf[asset]?[.checksum]
            guard configured[asset] != nil || checksum != nil else { continue }
            writer.sample([("asset", asset)], .int(checksum?.failures ?? 0))
        }
        writer.end()
    }
}
