import Foundation

/// What the backup path found in one recorded run: its outcomes, and for each failed asset what
/// retrying it did. The ``IncidentDesk`` turns them into ledger decisions.
package struct BackupFindings: Sendable {
    package var run: VerificationRun
    /// By asset, for each failed outcome.
    package var recoveries: [String: Recovery]

    package init(run: VerificationRun, recoveries: [String: Recovery]) {
        self.run = run
        self.recoveries = recoveries
    }

    /// Every retry recorded while recovering, in order (metrics count them).
    package var attempts: [RecoveryAttempt] {
        run.failedOutcomes.flatMap { recoveries[$0.asset]?.attempts ?? [] }
    }
}

/// What retrying one failed backup did.
package struct Recovery: Sendable {
    package var recovered = false
    /// What was tried, as lines for the report and the incident.
    package var attempted: [String] = []
    /// The retries as recorded.
    package var attempts: [RecoveryAttempt] = []
    /// The retry proposed for approval instead of being run (`recovery.approval`).
    package var proposal: Approval?

    package init() {}
}

/// What the alert path found in one notification: its new firing alerts mapped to assets,
/// diagnosed and correlated, and its new resolutions.
package struct AlertFindings: Sendable {
    package var notification: AlertNotification
    package var firing: [AlertFinding]
    package var resolved: [ReceivedAlert]

    package init(notification: AlertNotification, firing: [AlertFinding], resolved: [ReceivedAlert]) {
        self.notification = notification
        self.firing = firing
        self.resolved = resolved
    }
}

/// The firing alerts of one notification that point at the same asset, with what was found.
package struct AlertFinding: Sendable {
    package var asset: String
    package var configured: Asset?
    package var alerts: [ReceivedAlert]
    package var diagnosis: Diagnosis
    package var logs: CorrelatedLogs
    package var schedule: String { configured?.scheduleName ?? "alertmanager" }

    package init(asset: String, configured: Asset?, alerts: [ReceivedAlert], diagnosis: Diagnosis, logs: CorrelatedLogs) {
        (self.asset, self.configured, self.alerts) = (asset, configured, alerts)
        (self.diagnosis, self.logs) = (diagnosis, logs)
    }
}

/// Whoever acts on what the ``IncidentDesk`` decided (delivery, metrics): it receives the change
/// as a value once it is committed, and never reads the store to learn it.
package protocol LedgerChangeConsumer: Sendable {
    func consume(_ change: LedgerChange) async
}

/// Verifies one asset again after a retry; the re-verification is itself a recorded run.
package protocol Reverifier: Sendable {
    func reverify(asset: String, window: BackupWindow?) async throws(StoreError) -> VerificationOutcome?
}
