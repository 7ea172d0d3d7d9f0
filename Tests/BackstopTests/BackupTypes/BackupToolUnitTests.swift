import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The parts of the restic and borg adapters that need no repository.
@Suite struct BackupToolUnitTests {
    @Test func aShareOfTheDataRotatesSoSuccessiveDaysReadEverything() {
        let day = 86_400.0
        let parts = (0..<10).compactMap { ResticAdapter.subsetArgument(.share(0.1), day: Date(timeIntervalSince1970: Double($0) * day)) }
        #expect(Set(parts).count == 10)
        #expect(parts.allSatisfy { $0.hasPrefix("--read-data-subset=") && $0.hasSuffix("/10") })
        #expect(ResticAdapter.subsetArgument(.share(1), day: Date()) == "--read-data")
        #expect(ResticAdapter.subsetArgument(.part(3, of: 7), day: Date()) == "--read-data-subset=3/7")
        #expect(ResticAdapter.subsetArgument(nil, day: Date()) == nil)
    }

    @Test func restoreSizeIsReadFromResticStats() throws {
        #expect(try ResticAdapter.restoreSize(#"{"total_size":48894,"total_file_count":2,"snapshots_count":1}"#) == 48_894)
        #expect(throws: InspectionError.self) { try ResticAdapter.restoreSize("Fatal: wrong password or no key found") }
    }

    @Test func environmentFilesReadLikeSystemdAndDocker() throws {
        let values = try ToolEnvironment.parse("# comment\n\nexport A=1\nB=\"two words\"\nC='x=y'\n", file: "env")
        #expect(values == ["A": "1", "B": "two words", "C": "x=y"])
        #expect(throws: InspectionError.self) { try ToolEnvironment.parse("=value\n", file: "env") }
        #expect(throws: InspectionError.self) { try ToolEnvironment.parse("NOT A KEY=1\n", file: "env") }
    }

    @Test func passwordsInRepositoryURLsAreRedacted() {
        #expect(
            ToolEnvironment.redacted("rest:https://backup:s3cr3t@rest.example.com/app") == "rest:https://backup:***@rest.example.com/app")
        #expect(ToolEnvironment.redacted("/srv/restic/app") == "/srv/restic/app")
    }

    @Test func passwordCommandsSurviveSpacesInArguments() {
        #expect(ToolEnvironment.commandLine(["cat", "/etc/my secrets/pass"]) == "'cat' '/etc/my secrets/pass'")
    }

    @Test func aToolThatIsNotInstalledIsAMissingDependency() async throws {
        let invocation = ToolInvocation(runner: ProcessRunner(), tool: "backstop-no-such-backup-tool", timeout: .seconds(300))
        let error = try await #require(throws: InspectionError.self) { _ = try await invocation.output(["snapshots"], environment: [:]) }
        #expect(error.message.contains("backstop-no-such-backup-tool is not installed"))
        let diagnosis = FailureClassifier().classify(output: error.output ?? "")
        #expect(diagnosis?.cause == .missingDependency)
    }

    @Test func aToolThatHangsIsStoppedAtItsTimeout() async throws {
        let invocation = ToolInvocation(runner: ProcessRunner(), tool: "sleep", timeout: .milliseconds(300))
        let error = try await #require(throws: InspectionError.self) { _ = try await invocation.output(["30"], environment: [:]) }
        #expect(error.message.contains("timed out"))
    }

    @Test func theToolGetsItsEnvironmentAndNotArgv() async throws {
        // A generous timeout: under the whole suite on 2 cores, CPU-bound tests can starve the
        // cooperative threads that read the child's output for many seconds.
        let invocation = ToolInvocation(runner: ProcessRunner(), tool: "sh", timeout: .seconds(300))
        let output = try await invocation.output(
            ["-c", "printf %s \"$RESTIC_PASSWORD_FILE\""], environment: ["RESTIC_PASSWORD_FILE": "/etc/p"])
        #expect(output == "/etc/p")
    }
}

@Suite struct ToolAvailabilityTests {
    @Test func assetsWhoseToolIsNotOnPathAreNamed() throws {
        var restic = BackupSpec(path: "restic repository /r")
        restic.source = .restic(ResticSource(repository: "/r", password: .file("/p")))
        var borg = BackupSpec(path: "borg repository /b")
        borg.source = .borg(BorgSource(repository: "/b", passphrase: nil))
        let assets = [
            Asset(name: "app", kind: .volume, scheduleName: "nightly", backup: restic),
            Asset(name: "home", kind: .volume, scheduleName: "nightly", backup: borg),
            Asset(name: "dump", kind: .database, scheduleName: "nightly", backup: BackupSpec(path: "/d/*.gz")),
        ]
        let empty = try TemporaryDirectory()
        #expect(ToolAvailability.missingTools(for: assets, path: empty.path).map(\.tool) == ["restic", "borg"])
        let bin = try TemporaryDirectory()
        _ = try bin.write("restic", "#!/bin/sh\n")
        chmod(bin.file("restic"), 0o755)
        #expect(ToolAvailability.missingTools(for: assets, path: "\(empty.path):\(bin.path)").map(\.asset) == ["home"])
    }
}
