import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Synchronization
import Testing

/// Hundreds of assets on one repository must not mean hundreds of listings: one `restic
/// snapshots` and one `restic check` per repository per run, shared by its assets.
@Suite struct SharedListingTests {
    /// Runs commands for real and remembers each one's subcommand.
    final class RecordingRunner: ProcessRunning {
        let calls = Mutex<[String]>([])
        func run(
            _ argv: [String], workingDirectory: String?, environment: [String: String], timeout: Duration, outputLimit: Int
        ) async throws(ProcessError) -> ProcessResult {
            calls.withLock { $0.append(argv.dropFirst().first { !$0.hasPrefix("-") } ?? "") }
            return try await ProcessRunner().run(
                argv, workingDirectory: workingDirectory, environment: environment, timeout: timeout, outputLimit: outputLimit)
        }
        func count(_ subcommand: String) -> Int { calls.withLock { $0.filter { $0 == subcommand }.count } }
    }

    @Test func assetsOnOneResticRepositoryShareOneListingAndOneCheckPerRun() async throws {
        let directory = try TemporaryDirectory()
        let repository = try await ResticRepositoryFixture(root: directory.path)
        try await repository.addBackup(rows: 100, at: Date(timeIntervalSince1970: 1_795_314_600))
        let runner = RecordingRunner()
        let adapter = ResticAdapter(runner: runner, timeout: .seconds(60))
        let specs = (1...3).map { index in
            var spec = BackupSpec(path: "restic repository")
            spec.source = .restic(
                ResticSource(
                    repository: repository.repository, password: .file(repository.passwordFile), host: "app01",
                    tags: index == 3 ? ["weekly"] : ["nightly"]))
            return spec
        }
        for run in 1...2 {
            let scoped = adapter.scopedToRun()
            let artifacts = try await withThrowingTaskGroup(of: Artifact?.self) { group in
                for spec in specs { group.addTask { try await scoped.locate(spec, window: nil, now: Date()) } }
                return try await group.reduce(into: [Artifact?]()) { $0.append($1) }
            }
            #expect(artifacts.compactMap { $0 }.count == 2, "the weekly asset has no snapshot")
            for spec in specs.prefix(2) {
                guard let artifact = artifacts.compactMap({ $0 }).first else { continue }
                #expect(await scoped.integrity(of: artifact, backup: spec)?.status == .passed)
            }
            #expect(runner.count("snapshots") == run, "one listing per run, shared by three assets")
            #expect(runner.count("check") == run, "one check per run")
            #expect(runner.count("stats") == 2 * run, "each found snapshot is measured")
        }
    }
}
