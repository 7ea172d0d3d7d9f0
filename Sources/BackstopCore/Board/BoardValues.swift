import Foundation

/// An asset's latest outcome as the board filters and sorts by it.
package struct AssetStatus: Sendable, Equatable {
    package var state: BackupState
    package var cause: FailureCause?
    package var verifiedAt: Date
    package var runID: String

    package init(state: BackupState, cause: FailureCause?, verifiedAt: Date, runID: String) {
        self.state = state
        self.cause = cause
        self.verifiedAt = verifiedAt
        self.runID = runID
    }
}

/// One window of an asset's history strip: its latest outcome and the run that recorded it.
package struct WindowOutcome: Sendable, Equatable {
    package var runID: String
    package var windowStart: Date?
    package var state: BackupState
    package var cause: FailureCause?
    package var verifiedAt: Date

    package init(runID: String, windowStart: Date?, state: BackupState, cause: FailureCause?, verifiedAt: Date) {
        self.runID = runID
        self.windowStart = windowStart
        self.state = state
        self.cause = cause
        self.verifiedAt = verifiedAt
    }
}

/// The per-asset figures the board shows beside the state.
package struct AssetBoardDetail: Sendable, Equatable {
    /// Newest first.
    package var windows: [WindowOutcome] = []
    package var lastHealthyAt: Date?
    /// The first failed or missing verification after the last healthy one; nil when healthy.
    package var failingSince: Date?
    package var lastRestoreSeconds: Double?

    package init(windows: [WindowOutcome] = [], lastHealthyAt: Date? = nil, failingSince: Date? = nil, lastRestoreSeconds: Double? = nil) {
        self.windows = windows
        self.lastHealthyAt = lastHealthyAt
        self.failingSince = failingSince
        self.lastRestoreSeconds = lastRestoreSeconds
    }
}

/// Failures of one UTC day and cause.
package struct DailyFailures: Sendable, Equatable {
    /// Midnight UTC of the day.
    package var day: Date
    package var cause: String
    package var count: Int

    package init(day: Date, cause: String, count: Int) {
        self.day = day
        self.cause = cause
        self.count = count
    }
}

/// An incident resolution: when, and how long it had been open.
package struct ResolvedIncident: Sendable, Equatable {
    package var at: Date
    package var seconds: Double

    package init(at: Date, seconds: Double) {
        self.at = at
        self.seconds = seconds
    }
}

/// One restore test for the duration chart.
package struct RestorePoint: Sendable, Equatable {
    package var runID: String
    package var at: Date
    package var seconds: Double
    package var passed: Bool

    package init(runID: String, at: Date, seconds: Double, passed: Bool) {
        self.runID = runID
        self.at = at
        self.seconds = seconds
        self.passed = passed
    }
}
