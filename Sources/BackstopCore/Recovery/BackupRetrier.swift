/// Runs an asset's backup again (its `backup.retry` command).
package protocol BackupRetrier: Sendable {
    /// Runs the retry; a failed command is a value, not a thrown error.
    func retry(_ asset: Asset, argv: [String], timeout: Duration) async -> RetryCommandResult
}

package struct RetryCommandResult: Sendable, Equatable {
    package var succeeded: Bool
    /// `exit 0 after 12.3 s`, or what went wrong, with the output's tail.
    package var detail: String

    package init(succeeded: Bool, detail: String) {
        self.succeeded = succeeded
        self.detail = detail
    }
}
