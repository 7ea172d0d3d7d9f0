import BackstopCore
import Foundation

/// Runs a backup tool's read-only command (listing, stats, check) through the one
/// ProcessRunner and turns every way it can fail into an ``InspectionError`` that carries the
/// tool's output as evidence, so diagnosis reads the tool's own words.
package struct ToolInvocation: Sendable {
    package var runner: any ProcessRunning
    package var tool: String
    package var timeout: Duration
    /// Listings of large repositories are big; evidence keeps the head and the tail.
    var outputLimit = 16 << 20
    /// Runs the tool through this argv prefix (`setpriv …` to run as the PostgreSQL user).
    package var launcher: [String] = []

    package init(runner: any ProcessRunning, tool: String, timeout: Duration) {
        self.runner = runner
        self.tool = tool
        self.timeout = timeout
    }

    /// The command's output when it exits 0.
    package func output(
        _ arguments: [String], environment: [String: String], meaning: (Int32) -> String? = { _ in nil }
    ) async throws(InspectionError) -> String {
        let argv = launcher + [tool] + arguments
        let result: ProcessResult
        do {
            result = try await runner.run(argv, workingDirectory: nil, environment: environment, timeout: timeout, outputLimit: outputLimit)
        } catch {
            if error.reason.contains("not found") {
                throw InspectionError(
                    "\(tool) is not installed (executable not found on PATH); install it on Backstop's host",
                    output: "\(tool): executable file not found in $PATH")
            }
            throw InspectionError("could not run \(tool): \(error.reason)")
        }
        if result.succeeded { return result.output }
        let command = ([tool] + arguments.prefix(1)).joined(separator: " ")
        let known = result.exitCode.flatMap(meaning).map { " (\($0))" } ?? ""
        throw InspectionError("\(command) \(result.endDescription)\(known)", output: Self.lastLines(of: result.output))
    }

    /// Error text is at the end of a tool's output; a listing before it is not evidence.
    static func lastLines(of output: String, count: Int = 20) -> String {
        output.split(separator: "\n", omittingEmptySubsequences: true).suffix(count).joined(separator: "\n")
    }
}

/// Results computed once per verification run and shared by every asset that asks for the
/// same key (one `restic snapshots` per repository, not one per asset). Concurrent askers
/// await the same task.
package actor RunScopedCache<Value: Sendable> {
    private var tasks: [String: Task<Result<Value, InspectionError>, Never>] = [:]

    package init() {}

    package func value(
        for key: String, compute: @escaping @Sendable () async throws(InspectionError) -> Value
    ) async throws(InspectionError) -> Value {
        let task: Task<Result<Value, InspectionError>, Never>
        if let existing = tasks[key] {
            task = existing
        } else {
            task = Task {
                do throws(InspectionError) {
                    return .success(try await compute())
                } catch {
                    return .failure(error)
                }
            }
            tasks[key] = task
        }
        return try await task.value.get()
    }
}

extension RunScopedCache where Value == CheckResult {
    /// A repository's integrity check (`restic check`, `borg check`), run once per `key` per run
    /// and shared by the repository's assets. A failing check is a failed `checksum` check with
    /// the tool's own words as evidence; it never throws.
    package func repositoryCheck(
        key: String, invocation: ToolInvocation, arguments: [String], environment: [String: String],
        meaning: @escaping @Sendable (Int32) -> String?, passed: String
    ) async -> CheckResult {
        let name = "\(invocation.tool) check"
        let result = try? await value(for: key) { () throws(InspectionError) in
            do throws(InspectionError) {
                _ = try await invocation.output(arguments, environment: environment, meaning: meaning)
                return .passed(.checksum, passed)
            } catch {
                return .failed(.checksum, "\(name) failed: \(error.message)", expected: "no errors", excerpt: error.output)
            }
        }
        return result ?? .failed(.checksum, "\(name) did not run")
    }
}
