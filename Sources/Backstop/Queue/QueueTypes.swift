import BackstopCore

/// The verification runner as wired for real use: every backup type's adapter, restore
/// commands as processes, the record in the configured store.
package typealias FileVerificationRunner = VerificationRunner<BackupAdapters, CommandRestoreTester<ProcessRunner>>

/// The backup path as wired for real use: retries through processes, re-verified by the runner,
/// retry budgets in the configured store.
package typealias FileFailureTriage = FailureTriage<CommandBackupRetrier<ProcessRunner>, FileVerificationRunner>

/// The alert path as wired for real use: what was acted on and last verified, in the configured store.
package typealias FileAlertTriage = AlertTriage
