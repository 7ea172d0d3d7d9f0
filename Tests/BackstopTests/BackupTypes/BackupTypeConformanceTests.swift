import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The scenarios every backup type passes with its real tool: the same states, causes,
/// evidence, restore tests, metrics and exactly one incident as `files` assets get. `s3` runs
/// the same scenarios against moto in `S3VerificationTests` (its objects carry the real upload
/// time, and an object store has no lock); `pgbackrest` in `PgBackRestTests`.
@Suite(.serialized) struct BackupTypeConformanceTests {
    static let types = ["restic", "borg"]

    /// A harness with one asset `app-data` of `type` on a fresh real repository.
    struct Scenario {
        let harness: Harness
        let repository: any RepositoryFixture
        let type: String

        init(_ type: String) async throws {
            harness = try Harness()
            self.type = type
            let root = harness.directory.file("repository")
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            switch type {
            case "borg": repository = try await BorgRepositoryFixture(root: root)
            default: repository = try await ResticRepositoryFixture(root: root)
            }
        }

        func configuration(_ variant: RepositoryVariant = .correct, validate: String = "orders.csv") throws -> Configuration {
            let backup = repository.backupYAML(variant).split(separator: "\n").map { "          \($0)" }.joined(separator: "\n")
            return try harness.configuration(
                assets: """
                          - name: app-data
                            kind: volume
                            schedule: nightly
                            backup:
                              type: \(type)
                    \(backup)
                              max_age: 26h
                              size: { min: 1KiB, max_change: 50% }
                            restore:
                              validate: ["test", "-s", "{scratch}\(repository.dataDirectory)/\(validate)"]
                              timeout: 2m
                    """)
        }

        /// Verifies, triages and returns the outcome, the open incidents and /metrics.
        func verify(_ configuration: Configuration) async throws -> (VerificationOutcome, [Incident], String) {
            let services = try await harness.services(configuration)
            let run = try await services.verifyTriageAndDeliver(deliver: false)
            let outcome = try #require(run.outcome("app-data"))
            let incidents = try await services.store.incidents(limit: 10, openOnly: true)
            return (outcome, incidents, String(decoding: services.metrics.exposition(), as: UTF8.self))
        }
    }

    @Test(arguments: types) func aHealthyBackupPassesEveryCheckAndRestores(type: String) async throws {
        let scenario = try await Scenario(type)
        try await scenario.repository.addBackup(rows: 2_000, at: Harness.backupTime)
        let (outcome, incidents, metrics) = try await scenario.verify(try scenario.configuration())
        #expect(outcome.state == .healthy, "\(outcome.failedChecks)")
        #expect(outcome.check(.checksum)?.evidence.message.contains("\(type) check") == true)
        #expect(outcome.check(.restore)?.status == .passed)
        #expect(outcome.artifact?.modifiedAt == Harness.backupTime)
        #expect((outcome.artifact?.sizeBytes ?? 0) > 20_000, "the restore size of 2,000 rows")
        #expect(incidents.isEmpty)
        #expect(metrics.contains(#"backstop_backup_up{asset="app-data",schedule="nightly"} 1"#))
        #expect(scenario.harness.scratchLeftovers.isEmpty)
    }

    @Test(arguments: types) func nothingInTheWindowIsMissing(type: String) async throws {
        let scenario = try await Scenario(type)
        try await scenario.repository.addBackup(rows: 2_000, at: Harness.backupTime.addingTimeInterval(-3 * 86_400))
        let (outcome, incidents, metrics) = try await scenario.verify(try scenario.configuration())
        #expect(outcome.state != .healthy)
        #expect(outcome.check(.freshness)?.status == .failed)
        #expect(outcome.check(.freshness)?.evidence.message.contains("before the window opened") == true)
        #expect(incidents.count == 1)
        #expect(metrics.contains(#"backstop_backup_up{asset="app-data",schedule="nightly"} 0"#))
    }

    @Test(arguments: types) func anEmptyRepositoryIsMissing(type: String) async throws {
        let scenario = try await Scenario(type)
        let (outcome, incidents, _) = try await scenario.verify(try scenario.configuration())
        #expect(outcome.state == .missing)
        #expect(outcome.check(.exists)?.evidence.message.contains("no artifact matches \(type) repository") == true)
        #expect(incidents.count == 1)
    }

    @Test(arguments: types) func aBackupMuchSmallerThanItsHistoryFails(type: String) async throws {
        let scenario = try await Scenario(type)
        try await scenario.repository.addBackup(rows: 4_000, at: Harness.backupTime)
        let configuration = try scenario.configuration()
        #expect(try await scenario.verify(configuration).0.state == .healthy)
        try await scenario.repository.addBackup(rows: 400, at: Harness.backupTime.addingTimeInterval(86_400))
        scenario.harness.clock.advance(by: 86_400)
        let (outcome, incidents, _) = try await scenario.verify(configuration)
        #expect(outcome.state == .failed)
        #expect(outcome.check(.size)?.status == .failed)
        #expect(outcome.check(.size)?.evidence.message.contains("against the median") == true)
        #expect(incidents.count == 1)
    }

    @Test(arguments: types) func damageInTheRepositoryIsACorruptedArtifact(type: String) async throws {
        let scenario = try await Scenario(type)
        try await scenario.repository.addBackup(rows: 2_000, at: Harness.backupTime)
        try await scenario.repository.damage()
        let (outcome, incidents, _) = try await scenario.verify(try scenario.configuration())
        #expect(outcome.state == .failed)
        let check = try #require(outcome.check(.checksum))
        #expect(check.status == .failed)
        #expect(check.evidence.message.contains("\(type) check failed"))
        #expect(check.evidence.excerpt?.isEmpty == false, "the tool's own words are the evidence")
        #expect(incidents.map(\.cause) == [.corruptedArtifact])
    }

    @Test(arguments: types) func aWrongPasswordIsExpiredCredentials(type: String) async throws {
        let scenario = try await Scenario(type)
        try await scenario.repository.addBackup(rows: 2_000, at: Harness.backupTime)
        let (outcome, incidents, _) = try await scenario.verify(try scenario.configuration(.wrongPassword))
        #expect(outcome.state != .healthy)
        let exists = try #require(outcome.check(.exists))
        #expect(exists.status == .failed)
        #expect(exists.evidence.excerpt.map { $0.contains("password") || $0.contains("passphrase") } == true)
        #expect(incidents.map(\.cause) == [.expiredCredentials])
        #expect(!(exists.evidence.excerpt ?? "").contains("correct horse"), "the secret never becomes evidence")
    }

    @Test(arguments: types) func aLockedRepositoryIsLockWait(type: String) async throws {
        let scenario = try await Scenario(type)
        try await scenario.repository.addBackup(rows: 2_000, at: Harness.backupTime)
        let holder = try await scenario.repository.holdLock()
        defer { holder.release() }
        let (outcome, incidents, _) = try await scenario.verify(try scenario.configuration())
        #expect(outcome.state == .failed)
        #expect(outcome.check(.checksum)?.status == .failed)
        #expect(incidents.map(\.cause) == [.lockWait])
    }

    @Test(arguments: types) func anUnreachableRepositoryIsTargetDown(type: String) async throws {
        let scenario = try await Scenario(type)
        let (outcome, incidents, _) = try await scenario.verify(try scenario.configuration(.unreachable))
        #expect(outcome.state == .missing)
        #expect(outcome.check(.exists)?.evidence.message.contains("could not look for the artifact") == true)
        #expect(incidents.map(\.cause) == [.targetDown])
    }

    @Test(arguments: types) func aRestoreWhoseValidationFailsFailsTheBackup(type: String) async throws {
        let scenario = try await Scenario(type)
        try await scenario.repository.addBackup(rows: 2_000, at: Harness.backupTime)
        let (outcome, incidents, _) = try await scenario.verify(try scenario.configuration(validate: "no-such-file.csv"))
        #expect(outcome.state == .failed)
        let restore = try #require(outcome.check(.restore))
        #expect(restore.status == .failed)
        #expect(restore.evidence.message.contains("validate command failed"))
        #expect(incidents.count == 1)
        #expect(scenario.harness.scratchLeftovers.isEmpty)
    }
}
