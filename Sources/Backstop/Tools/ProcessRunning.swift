/// Runs a command: argv only (never a shell), in a working directory, with a timeout and a cap
/// on captured output. Injected so tests can watch what would be run.
package protocol ProcessRunning: Sendable {
    func run(
        _ argv: [String], workingDirectory: String?, timeout: Duration, outputLimit: Int
    ) async throws(ProcessError) -> ProcessResult
}
