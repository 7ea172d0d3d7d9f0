import BackstopCore

/// Runs an asset's `backup.retry` argv (never through a shell) and reports how it ended.
package struct CommandBackupRetrier<Runner: ProcessRunning>: BackupRetrier {
    package var runner: Runner
    /// The command's output kept for the report.
    package var outputLimit: Int

    package init(runner: Runner, outputLimit: Int = 64 << 10) {
        self.runner = runner
        self.outputLimit = outputLimit
    }

    package func retry(_ asset: Asset, argv: [String], timeout: Duration) async -> RetryCommandResult {
        do {
            let result = try await runner.run(argv, workingDirectory: nil, timeout: timeout, outputLimit: outputLimit)
            return RetryCommandResult(
                succeeded: result.succeeded, detail: "`\(argv.joined(separator: " "))` ended with \(result.endDescription)")
        } catch {
            return RetryCommandResult(succeeded: false, detail: "\(error)")
        }
    }
}
