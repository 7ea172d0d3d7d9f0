import BackstopCore
import Foundation
import Logging

/// Restores an artifact with the asset's own command into a fresh scratch directory, runs the
/// validation command, and removes the scratch directory whatever happened.
package struct CommandRestoreTester<Runner: ProcessRunning>: RestoreTester {
    package var runner: Runner
    /// Parent of the per-test scratch directories.
    package var scratchRoot: String
    package var outputLimit: Int
    package var logger: Logger
    /// The backup's adapter: stages the artifact, gives the tool's own restore and environment.
    package var planning: any RestorePlanning

    package init(
        runner: Runner, scratchRoot: String, outputLimit: Int = 64 << 10, logger: Logger,
        planning: any RestorePlanning = FileRestorePlanning()
    ) {
        self.runner = runner
        self.scratchRoot = scratchRoot
        self.outputLimit = outputLimit
        self.logger = logger
        self.planning = planning
    }

    /// `{backstop}`: this very executable, so a restore test can run `backstop verify-record`
    /// on a restored copy of Backstop's own store without knowing where Backstop is installed.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    package func test(asset: Asset, spec: RestoreSpec, artifact: Artifact) async -> RestoreOutcome {
        let started = Date()
        let clock = ContinuousClock()
        let begin = clock.now
        let outcome = { (status: RestoreOutcome.Status, evidence: Evidence) -> RestoreOutcome in
            RestoreOutcome(
                asset: asset.name, artifactPath: artifact.path, startedAt: started,
                durationSeconds: (clock.now - begin).seconds, status: status,
                evidence: evidence)
        }
        let scratch: String
        do {
            scratch = try makeScratch(for: asset.name)
        } catch {
            return outcome(.failed, Evidence("cannot create a scratch directory under \(scratchRoot): \(error.localizedDescription)"))
        }
        let result = await test(asset: asset, spec: spec, artifact: artifact, scratch: scratch, outcome: outcome)
        // Whatever the commands left running (daemonized, `setsid`, a killed group's orphans)
        // goes before the scratch directory does.
        await removeScratch(scratch)
        return result
    }

    private func test(
        asset: Asset, spec: RestoreSpec, artifact: Artifact, scratch: String,
        outcome: (RestoreOutcome.Status, Evidence) -> RestoreOutcome
    ) async -> RestoreOutcome {
        var environment: [String: String]
        let artifactPath: String
        do {
            environment = try planning.environment(for: asset.backup)
            environment[RestoreProcesses.variable] = scratch
            artifactPath = try await planning.stage(artifact, backup: asset.backup, scratch: scratch) ?? artifact.path
        } catch {
            return outcome(.failed, Evidence("could not prepare the restore: \(error.message)", excerpt: error.output))
        }
        if let postgres = spec.postgres {
            let result = await planning.restoreIntoPostgres(
                postgres, artifact: artifact, artifactPath: artifactPath, backup: asset.backup, scratch: scratch,
                environment: environment, timeout: spec.timeout)
            return outcome(result.status, result.evidence)
        }
        let restore = spec.command.isEmpty ? planning.defaultRestore(artifact, backup: asset.backup, scratch: scratch) ?? [] : spec.command
        let substitute = { (argument: String) in
            argument.replacingOccurrences(of: "{artifact}", with: artifactPath)
                .replacingOccurrences(of: "{scratch}", with: scratch)
                .replacingOccurrences(of: "{backstop}", with: Self.executablePath)
        }
        var remaining = spec.timeout
        for (step, argv) in [("restore", restore), ("validate", spec.validate ?? [])] where !argv.isEmpty {
            let command = argv.map(substitute)
            let result: ProcessResult
            do {
                result = try await runner.run(
                    command, workingDirectory: scratch, environment: environment, timeout: remaining, outputLimit: outputLimit)
            } catch {
                return outcome(.failed, Evidence("\(step) command \(error.description)", expected: command.joined(separator: " ")))
            }
            remaining -= .seconds(result.durationSeconds)
            if result.timedOut {
                return outcome(
                    .timedOut,
                    Evidence(
                        "\(step) command \(result.endDescription) (timeout \(Int(spec.timeout.seconds))s)",
                        expected: "finishes within \(Int(spec.timeout.seconds))s", excerpt: result.output.nonEmpty))
            }
            guard result.succeeded else {
                return outcome(
                    .failed,
                    Evidence(
                        "\(step) command failed with \(result.endDescription): \(command.joined(separator: " "))",
                        expected: "exit code 0", actual: result.endDescription, excerpt: result.output.nonEmpty))
            }
            if remaining <= .zero {
                return outcome(.timedOut, Evidence("no time left for validation within \(Int(spec.timeout.seconds))s"))
            }
        }
        return outcome(.passed, Evidence("restored and validated \((artifact.path as NSString).lastPathComponent)"))
    }

    private func makeScratch(for asset: String) throws -> String {
        let root = scratchRoot.hasSuffix("/") ? String(scratchRoot.dropLast()) : scratchRoot
        let path = "\(root)/\(ScratchDirectoryName.make(asset: asset).text)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func removeScratch(_ path: String) async {
        let killed = await RestoreProcesses.killAll(startedIn: path)
        if killed > 0 {
            logger.warning("killed processes the restore test left running", metadata: ["count": "\(killed)", "path": "\(path)"])
        }
        do {
            // Restores may leave read-only directories behind; make them (and only them) writable.
            ScratchCleanup.makeDirectoriesWritable(under: path)
            try FileManager.default.removeItem(atPath: path)
        } catch {
            logger.error("could not remove scratch directory", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
