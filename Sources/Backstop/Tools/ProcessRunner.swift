import BackstopCore
import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// The only place Backstop spawns processes.
///
/// Each child starts in its own process group so a timeout can kill everything it started
/// (a `tar` piping into `gzip`, a wrapper script's children). Output is read as it comes and
/// capped: the head and the tail are kept, since errors tend to be at the end.
package struct ProcessRunner: ProcessRunning {
    package init() {}

    package func run(
        _ argv: [String], workingDirectory: String?, environment: [String: String], timeout: Duration, outputLimit: Int
    ) async throws(ProcessError) -> ProcessResult {
        guard let program = argv.first, !program.isEmpty else {
            throw ProcessError(command: "(empty command)", reason: "the command has no program to run")
        }
        var options = PlatformOptions()
        options.processGroupID = 0
        // On cancellation (shutdown) the whole group gets SIGTERM, then SIGKILL.
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(2))]
        let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        let started = ContinuousClock.now
        do {
            let result = try await Subprocess.run(
                executable,
                arguments: Arguments(Array(argv.dropFirst())),
                environment: environment.isEmpty ? .inherit : .inherit.updating(Self.keyed(environment)),
                workingDirectory: workingDirectory.map { FilePath($0) },
                platformOptions: options,
                input: .none,
                output: .sequence,
                error: .combinedWithOutput
            ) { execution in
                try await withThrowingTaskGroup(of: Event.self) { group in
                    group.addTask {
                        var captured = CapturedOutput(limit: outputLimit)
                        for try await chunk in execution.standardOutput {
                            chunk.withUnsafeBytes { captured.append($0) }
                        }
                        return .finished(captured)
                    }
                    group.addTask {
                        do {
                            try await Task.sleep(for: timeout)
                        } catch {
                            return .timerCancelled
                        }
                        try? execution.send(signal: .kill, toProcessGroup: true)
                        return .timerFired
                    }
                    var output = CapturedOutput(limit: outputLimit)
                    var timedOut = false
                    while let event = try await group.next() {
                        switch event {
                        case .finished(let captured):
                            output = captured
                            group.cancelAll()
                        case .timerFired:
                            timedOut = true
                        case .timerCancelled:
                            break
                        }
                    }
                    return (output, timedOut)
                }
            }
            let (output, timedOutFlag) = result.closureResult
            var exitCode: Int32?
            var signal: Int32?
            switch result.terminationStatus {
            case .exited(let code): exitCode = code
            case .signaled(let code): signal = code
            }
            let timedOut = timedOutFlag
            return ProcessResult(
                exitCode: exitCode, signal: signal, output: output.text, omittedBytes: output.omitted,
                durationSeconds: (ContinuousClock.now - started).seconds, timedOut: timedOut)
        } catch let error as SubprocessError {
            throw ProcessError(command: program, reason: Self.reason(error))
        } catch {
            throw ProcessError(command: program, reason: "\(error)")
        }
    }

    private static func keyed(_ environment: [String: String]) -> [Environment.Key: String?] {
        var keyed: [Environment.Key: String?] = [:]
        for (name, value) in environment { keyed[Environment.Key(stringLiteral: name)] = value }
        return keyed
    }

    private static func reason(_ error: SubprocessError) -> String {
        let text = "\(error)"
        if text.contains("executableNotFound") || text.contains("not found") {
            return "executable not found on PATH"
        }
        return text
    }
}

/// What the tasks watching a child report.
private enum Event: Sendable {
    case finished(CapturedOutput)
    case timerFired
    case timerCancelled
}
