import Foundation

/// Trends over a period of the record: how often each asset's backups fail, how fast incidents
/// are resolved, which causes keep coming back, which restores are slow or getting slower, and
/// which assets were never proven restorable.
package struct TrendReport: Sendable, Equatable, Codable {
    package struct AssetTrend: Sendable, Equatable, Codable {
        package var asset: String
        package var schedule: String
        package var verifications: Int
        package var failures: Int
        /// failures / verifications; 0 when nothing was verified.
        package var failureRate: Double
        package var incidents: Int
        /// Mean time to resolve this asset's incidents resolved in the period.
        package var mttrSeconds: Double?
    }

    package struct ScheduleTrend: Sendable, Equatable, Codable {
        package var schedule: String
        package var verifications: Int
        package var failures: Int
        package var failureRate: Double
    }

    package struct RecurringCause: Sendable, Equatable, Codable {
        package var asset: String
        package var cause: String
        /// Incidents opened or reopened for this asset and cause in the period.
        package var incidents: Int
        /// Failed verifications with this cause in the period.
        package var failures: Int
        package var last: Date
    }

    package struct RestoreTrend: Sendable, Equatable, Codable {
        package var asset: String
        package var tests: Int
        package var failed: Int
        package var medianSeconds: Double
        package var maxSeconds: Double
        package var lastSeconds: Double
        /// Mean of the latest third of the durations over the mean of the earliest third, minus
        /// one (0.5 = 50 % slower); nil with fewer than 3 tests.
        package var growth: Double?
    }

    package var from: Date
    package var to: Date
    package var verifications: Int
    package var failures: Int
    package var failureRate: Double
    package var incidentsOpened: Int
    package var incidentsResolved: Int
    package var mttrSeconds: Double?
    /// Worst first.
    package var assets: [AssetTrend]
    /// Worst first.
    package var schedules: [ScheduleTrend]
    /// Same asset and cause in two or more incidents of the period, most incidents first.
    package var recurring: [RecurringCause]
    /// Highest median first.
    package var slowestRestores: [RestoreTrend]
    /// Fastest growth first; only restores that got slower.
    package var fastestGrowingRestores: [RestoreTrend]
    /// Configured assets with no restore test in the whole record.
    package var neverRestoreTested: [String]
}
