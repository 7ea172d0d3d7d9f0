/// Runs a command: argv only (never a shell), in a working directory, with a timeout and a cap
/// on captured output. Injected so tests can watch what would be run.
package protocol ProcessRunning: Sendable {
    /// `environment` is added to (and overrides) Backstop's own environment for this child
    /// only: how backup tools receive repository locations, password files and keys without
    /// putting them in argv, where every user of the machine could read them.
    func run(
        _ argv: [String], workingDirectory: String?, environment: [String: String], timeout: Duration, outputLimit: Int
    ) async throws(ProcessError) -> ProcessResult
}

extension ProcessRunning {
    /// Runs with Backstop's own environment, unchanged.
    package func run(
        _ argv: [String], workingDirectory: String?, timeout: Duration, outputLimit: Int
    ) async throws(ProcessError) -> ProcessResult {
        try await run(argv, workingDirectory: workingDirectory, environment: [:], timeout: timeout, outputLimit: outputLimit)
    }
}
