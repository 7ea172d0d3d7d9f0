import BackstopCore

/// The verification runner as wired for real use: every backup type's adapter, restore
/// commands as processes, the record in SQLite.
package typealias FileVerificationRunner = VerificationRunner<BackupAdapters, CommandRestoreTester<ProcessRunner>, SQLiteRunStore>

/// The backup path as wired for real use: retries through processes, re-verified by the runner,
/// retry budgets in SQLite.
package typealias FileFailureTriage = FailureTriage<SQLiteRunStore, CommandBackupRetrier<ProcessRunner>, FileVerificationRunner>

/// The alert path as wired for real use: what was acted on and last verified, in SQLite.
package typealias FileAlertTriage = AlertTriage<SQLiteRunStore>
