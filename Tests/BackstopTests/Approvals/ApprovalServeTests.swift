import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The real `backstop serve` and the real CLI on one record: an approval given with
/// `backstop approve` in another process is picked up by serve, which runs the retry once; an
/// approval given while serve lies dead after a kill -9 runs at its next start, once.
@Suite(.timeLimit(.minutes(5))) struct ApprovalServeTests {
    struct Setup {
        var directory: TemporaryDirectory
        var config: String
        var store: SQLiteRunStore
    }

    /// One asset whose backup has not arrived (`unknown`, not transient); its retry command
    /// puts a healthy backup into the last closed window. Approvals are needed for it.
    static func setUp(port: Int) async throws -> Setup {
        let directory = try TemporaryDirectory()
        let preamble = ServeFixtures.preamble(port: port)
        _ = try directory.write("probe.yml", preamble + "\nassets:\n  - { name: probe, schedule: daily, backup: { path: x } }\n")
        let schedule = try #require(try ConfigurationLoader.load(path: directory.file("probe.yml")).schedules["daily"])
        let window = try #require(schedule.lastClosedWindow(at: Date()))
        let retry = try await ApprovalFixtures.retryCommand(
            directory, asset: "orders-db", file: "orders-db-1.tar.gz", fixes: true, backupTime: window.start.addingTimeInterval(1_800))
        try FileManager.default.createDirectory(atPath: directory.file("backups"), withIntermediateDirectories: true)
        let argv = retry.map { "\"\($0)\"" }.joined(separator: ", ")
        let config = try directory.write(
            "backstop.yml",
            preamble + """

                assets:
                  - { name: orders-db, schedule: daily, backup: { path: backups/orders-db-*.tar.gz, checksum: sidecar, retry: [\(argv)] }, \(ServeFixtures.tarRestore) }
                recovery:
                  approval: { required_for: non_transient, timeout: 1h }
                """)
        return Setup(directory: directory, config: config, store: try SQLiteRunStore(path: directory.file("data/backstop.db")))
    }

    static func serve(_ setup: Setup) throws -> BackstopProcess {
        try BackstopProcess(arguments: ["serve", "--config", setup.config, "--log-format", "text", "--log-level", "info"])
    }

    static func cli(_ arguments: [String], _ setup: Setup) async throws -> (status: Int32, output: String) {
        let process = try BackstopProcess(arguments: arguments + ["--config", setup.config])
        let status = await process.waitForExit()
        return (status, process.recentLines.joined(separator: "\n"))
    }

    @Test func aCLIApprovalIsPickedUpByARunningServeAndTheRetryRunsOnce() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let setup = try await Self.setUp(port: try FreePort.find())
        let serve = try Self.serve(setup)
        defer { serve.requestTermination(keepingUntilExit: setup.directory) }
        let logs = { serve.recentLines.joined(separator: "\n") }
        // The proposal is recorded during the triage, the incident at its end.
        try #require(await serve.waitForLine(containing: "retry proposed for approval", within: .seconds(90)) != nil, "\(logs())")
        try #require(await serve.waitForLine(containing: "incident open", within: .seconds(30)) != nil, "\(logs())")
        let approval = try #require(try await setup.store.approvals(state: .pendingApproval, limit: 10).first)
        let incident = try #require(approval.incident)
        #expect(ApprovalFixtures.retries(setup.directory) == 0)

        let approved = try await Self.cli(["approve", approval.id, "--comment", "backup host is back"], setup)
        #expect(approved.status == 0, "\(approved.output)")
        try #require(await serve.waitForLine(containing: "approved retry done", within: .seconds(60)) != nil, "\(logs())")
        #expect(ApprovalFixtures.retries(setup.directory) == 1)
        #expect(try await setup.store.incident(id: incident)?.state == .resolved)
        let answered = try #require(try await setup.store.approval(id: approval.id))
        #expect(answered.state == .approved && answered.comment == "backup host is back" && answered.execution == .finished)
        #expect(answered.decidedBy == ApprovalText.localUser)

        let again = try await Self.cli(["approve", approval.id], setup)
        #expect(again.status != 0 && again.output.contains("is already approved"), "\(again.output)")
        let verified = try await Self.cli(["verify-record"], setup)
        #expect(verified.status == 0, "\(verified.output)")
        #expect(ApprovalFixtures.retries(setup.directory) == 1)
    }

    @Test func anApprovalGivenWhileServeIsDeadAfterAKillRunsAtTheNextStartOnce() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: BackstopProcess.executable))
        let port = try FreePort.find()
        let setup = try await Self.setUp(port: port)
        let first = try Self.serve(setup)
        try #require(await first.waitForLine(containing: "retry proposed for approval", within: .seconds(90)) != nil)
        try #require(await first.waitForLine(containing: "incident open", within: .seconds(30)) != nil)
        first.kill()
        let approval = try #require(try await setup.store.approvals(state: .pendingApproval, limit: 10).first)
        let approved = try await Self.cli(["approve", approval.id], setup)
        #expect(approved.status == 0, "\(approved.output)")

        let second = try Self.serve(setup)
        defer { second.requestTermination(keepingUntilExit: setup.directory) }
        try #require(
            await second.waitForLine(containing: "approved retry done", within: .seconds(60)) != nil,
            "\(second.recentLines.joined(separator: "\n"))")
        #expect(ApprovalFixtures.retries(setup.directory) == 1)
        #expect(try await setup.store.incident(id: try #require(approval.incident))?.state == .resolved)
    }
}
