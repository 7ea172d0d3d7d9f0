import Foundation

/// What the record holds for a trend period, as plain rows (read by the store, analysed by
/// ``TrendAnalyzer``).
package struct TrendInputs: Sendable, Equatable {
    /// One verified backup (re-verifications after a retry excluded: they repeat their run).
    package struct Verification: Sendable, Equatable {
        package var asset: String
        package var schedule: String
        package var failed: Bool
        package var cause: String?
        package var at: Date

        package init(asset: String, schedule: String, failed: Bool, cause: String?, at: Date) {
            self.asset = asset
            self.schedule = schedule
            self.failed = failed
            self.cause = cause
            self.at = at
        }
    }

    /// An incident opened or reopened in the period.
    package struct Opening: Sendable, Equatable {
        package var incidentID: String
        package var asset: String
        package var cause: String
        package var at: Date

        package init(incidentID: String, asset: String, cause: String, at: Date) {
            self.incidentID = incidentID
            self.asset = asset
            self.cause = cause
            self.at = at
        }
    }

    /// An incident resolved in the period, and how long it had been open.
    package struct Resolution: Sendable, Equatable {
        package var asset: String
        package var seconds: Double

        package init(asset: String, seconds: Double) {
            self.asset = asset
            self.seconds = seconds
        }
    }

    package struct RestoreTest: Sendable, Equatable {
        package var asset: String
        package var at: Date
        package var seconds: Double
        package var passed: Bool

        package init(asset: String, at: Date, seconds: Double, passed: Bool) {
            self.asset = asset
            self.at = at
            self.seconds = seconds
            self.passed = passed
        }
    }

    package var verifications: [Verification] = []
    package var openings: [Opening] = []
    package var resolutions: [Resolution] = []
    package var restoreTests: [RestoreTest] = []
    /// Assets with at least one restore test in the whole record, not only the period.
    package var everRestoreTested: Set<String> = []

    package init() {}
}
