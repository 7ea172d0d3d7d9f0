import Foundation

/// Everything Backstop's metrics show, derived from the record.
///
/// Built once from the store at start (by aggregate queries) and then advanced with
/// ``apply(_:)`` as runs are appended, so a restart shows exactly what was shown before it.
package struct MetricsSnapshot: Sendable, Equatable {
    package struct AssetCheck: Hashable, Sendable {
        package var asset: String
        package var check: CheckKind
        package init(_ asset: String, _ check: CheckKind) {
            self.asset = asset
            self.check = check
        }
    }

    package struct Counts: Equatable, Sendable {
        package var total = 0
        package var failures = 0
        package init(total: Int = 0, failures: Int = 0) {
            self.total = total
            self.failures = failures
        }
        mutating func add(failed: Bool) {
            total += 1
            if failed { failures += 1 }
        }
    }

    package struct AssetCause: Hashable, Sendable {
        package var asset: String
        package var cause: String
        package init(_ asset: String, _ cause: String) {
            self.asset = asset
            self.cause = cause
        }
    }

    package struct ScheduleResult: Hashable, Sendable {
        package var schedule: String
        package var result: String
        package init(_ schedule: String, _ result: String) {
            self.schedule = schedule
            self.result = result
        }
    }

    /// The latest known state of one asset.
    package struct AssetLatest: Equatable, Sendable {
        package var schedule: String
        package var up: Bool
        package var lastVerification: Date
        package var lastSuccess: Date?
        package var sizeBytes: Int64?
        package var lastRestoreDuration: Double?
        package init(
            schedule: String, up: Bool, lastVerification: Date, lastSuccess: Date? = nil, sizeBytes: Int64? = nil,
            lastRestoreDuration: Double? = nil
        ) {
            self.schedule = schedule
            self.up = up
            self.lastVerification = lastVerification
            self.lastSuccess = lastSuccess
            self.sizeBytes = sizeBytes
            self.lastRestoreDuration = lastRestoreDuration
        }
    }

    /// One schedule's latest window that scheduled runs verified (aborted runs did not). With
    /// replicas a window is verified as several runs (parts), which add up here: `expected` and
    /// `missing` count the outcomes of all its parts, `lastRun` is when the last part finished.
    package struct WindowLatest: Equatable, Sendable {
        package var windowStart: Date?
        package var lastRun: Date
        package var expected: Int
        package var missing: Int
        /// Whether a part of the window found a failed or missing backup.
        package var failed: Bool
        package init(windowStart: Date?, lastRun: Date, expected: Int, missing: Int, failed: Bool) {
            self.windowStart = windowStart
            self.lastRun = lastRun
            self.expected = expected
            self.missing = missing
            self.failed = failed
        }
        package var result: String { failed ? "failed" : "healthy" }
    }

    package var checks: [AssetCheck: Counts] = [:]
    package var checksumBytes: Int64 = 0
    package var backupFailures: [AssetCause: Int] = [:]
    package var restoreTests: [String: Counts] = [:]
    /// Every restore duration in record order, to rebuild the histogram.
    package var restoreDurations: [Double] = []
    package var assets: [String: AssetLatest] = [:]
    /// Windows no longer the latest, by result, and aborted runs (each counts once).
    package var windowRuns: [ScheduleResult: Int] = [:]
    /// Each schedule's latest window, still taking parts.
    package var windows: [String: WindowLatest] = [:]
    /// Each schedule's window before the latest, shown while the latest is incomplete.
    package var previousWindows: [String: WindowLatest] = [:]

    package init() {}

    /// Advances the snapshot by one appended run.
    package mutating func apply(_ run: VerificationRun) {
        for outcome in run.outcomes {
            for check in outcome.checks where check.status != .skipped {
                checks[AssetCheck(outcome.asset, check.kind), default: Counts()].add(failed: check.status == .failed)
            }
            checksumBytes += outcome.bytesHashed
            let state = outcome.state
            if state.isFailure {
                backupFailures[AssetCause(outcome.asset, (outcome.cause ?? .unknown).rawValue), default: 0] += 1
            }
            var latest = assets[outcome.asset]
            let previousSuccess = latest?.lastSuccess
            let previousSize = latest?.sizeBytes
            let previousRestore = latest?.lastRestoreDuration
            latest = AssetLatest(
                schedule: outcome.schedule,
                up: !state.isFailure,
                lastVerification: outcome.verifiedAt,
                lastSuccess: state == .healthy ? (outcome.producedAt ?? outcome.verifiedAt) : previousSuccess,
                sizeBytes: outcome.artifact?.sizeBytes ?? previousSize,
                lastRestoreDuration: previousRestore
            )
            assets[outcome.asset] = latest
        }
        for test in run.restoreTests {
            restoreTests[test.asset, default: Counts()].add(failed: test.status != .passed)
            restoreDurations.append(test.durationSeconds)
            assets[test.asset]?.lastRestoreDuration = test.durationSeconds
        }
        if case .schedule(let schedule) = run.trigger {
            let ofSchedule = run.outcomes.filter { $0.schedule == schedule }
            applyWindowPart(
                schedule: schedule, aborted: run.status == .aborted, windowStart: ofSchedule.compactMap(\.window?.start).first,
                finishedAt: run.finishedAt, expected: ofSchedule.count, missing: ofSchedule.filter { $0.state == .missing }.count,
                failed: ofSchedule.contains { $0.state.isFailure })
        }
    }

    /// Adds one scheduled run to its window: the whole window on one replica, a part of it with
    /// several. A run of another window than the latest makes the latest a previous window,
    /// counted once under its result. The aggregate queries fold the record's runs through
    /// here too, so a restart shows what was shown before it.
    package mutating func applyWindowPart(
        schedule: String, aborted: Bool, windowStart: Date?, finishedAt: Date, expected: Int, missing: Int, failed: Bool
    ) {
        // An aborted run did not verify its window: the window stays unverified.
        guard !aborted else {
            windowRuns[ScheduleResult(schedule, "aborted"), default: 0] += 1
            return
        }
        if var latest = windows[schedule], latest.windowStart == windowStart {
            latest.lastRun = max(latest.lastRun, finishedAt)
            latest.expected += expected
            latest.missing += missing
            latest.failed = latest.failed || failed
            windows[schedule] = latest
            return
        }
        if let previous = windows[schedule] {
            windowRuns[ScheduleResult(schedule, previous.result), default: 0] += 1
            previousWindows[schedule] = previous
        }
        windows[schedule] = WindowLatest(
            windowStart: windowStart, lastRun: finishedAt, expected: expected, missing: missing, failed: failed)
    }
}
