import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging
import Testing

/// Restore processes and scratch directories never outlive their restore test, even when a
/// child leaves the process group (`setsid`) or Backstop itself is killed with SIGKILL.
@Suite(.timeLimit(.minutes(3))) struct LeftoverRestoreTests {
    @Test func aRestoreTimeoutKillsChildrenThatLeftTheSession() async throws {
        let harness = try Harness()
        try harness.fixtures.setModified(try await harness.fixtures.gzip("backups/orders.sql.gz"), to: Harness.backupTime)
        let pidFile = harness.directory.file("child.pid")
        let restore = """
            { command: ["sh", "-c", "setsid sleep 300 & echo $! > \(pidFile); wait"], timeout: 500ms }
            """
        let run = try await harness.verify(
            try harness.configuration(
                assets: "  - { name: orders-db, schedule: nightly, backup: { path: backups/*.gz }, restore: \(restore) }"))
        #expect(run.restoreTests.first?.status == .timedOut)
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ProcessProbe.isGone(pid), "the child in its own session \(pid) survived the timeout")
        #expect(harness.scratchLeftovers.isEmpty)
    }

    @Test func aDaemonStartedByAPassingRestoreIsKilledWithItsScratch() async throws {
        let harness = try Harness()
        try harness.fixtures.setModified(try await harness.fixtures.gzip("backups/orders.sql.gz"), to: Harness.backupTime)
        let pidFile = harness.directory.file("daemon.pid")
        let restore = """
            { command: ["sh", "-c", "setsid sleep 300 > /dev/null 2>&1 & echo $! > \(pidFile)"] }
            """
        let run = try await harness.verify(
            try harness.configuration(
                assets: "  - { name: orders-db, schedule: nightly, backup: { path: backups/*.gz }, restore: \(restore) }"))
        #expect(run.restoreTests.first?.status == .passed)
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ProcessProbe.isGone(pid), "the daemon \(pid) outlived its restore test")
    }

    /// Only Backstop's own directories of a Backstop that is gone are removed at start.
    @Test func startClearsOnlyDirectoriesOfABackstopThatIsGone() async throws {
        let directory = try TemporaryDirectory()
        let root = directory.file("scratch")
        let gone = ProcessIdentity(pid: Int32.max - 1, startTime: 1)
        let orphan = "\(root)/\(ScratchDirectoryName.make(asset: "orders-db", owner: gone).text)"
        let live = "\(root)/\(ScratchDirectoryName.make(asset: "orders-db").text)"
        for path in [orphan, live, "\(root)/notes-12345678", "\(root)/backstop-data"] {
            try FileManager.default.createDirectory(atPath: "\(path)/restored", withIntermediateDirectories: true)
        }
        try await Shell.run(["chmod", "0500", "\(orphan)/restored"])

        let cleared = await LeftoverRestores.clear(scratchRoot: root, logger: Logger(label: "test"))
        #expect(cleared.directories == 1)
        let left = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        #expect(left == ["backstop-data", (live as NSString).lastPathComponent, "notes-12345678"].sorted())
    }

    /// `kill -9` of the real `backstop serve` mid-restore; its restore processes (one in a
    /// session of its own) and scratch directory are gone once the next Backstop has started.
    @Test func aKilledBackstopsRestoresAreClearedAtTheNextStart() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests")
        let installation = try await RealRestoreInstallation(
            script: """
                [ -e {dir}/restored-once ] && exit 0; touch {dir}/restored-once; \
                setsid sleep 300 & echo $! > {dir}/session.pid; \
                sleep 300 & echo $! > {dir}/group.pid; \
                echo started > {fifo}; wait
                """)
        let first = try BackstopProcess(arguments: installation.serve)
        _ = await FIFO.read(installation.fifo)
        first.kill()
        let pids = [try installation.pid("session.pid"), try installation.pid("group.pid")]
        // What the defect was: both outlive a SIGKILLed Backstop, with their scratch.
        #expect(pids.allSatisfy { !ProcessProbe.isGone($0) })
        #expect(installation.scratchEntries.count == 1)

        let second = try BackstopProcess(arguments: installation.verify)
        #expect(await second.waitForExit() == 0, "\(second.recentLines.joined(separator: "\n"))")
        for pid in pids { #expect(ProcessProbe.isGone(pid), "restore process \(pid) survived the restart") }
        #expect(installation.scratchEntries.isEmpty, "\(installation.scratchEntries)")
        #expect(second.recentLines.contains { $0.contains("cleared what an earlier Backstop left") })
    }
}
