import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The status board in a real browser: Debian's chromium driven through WebDriver (selenium)
/// by `Tests/Browser/board_browser.py`, against the real `backstop serve` on loopback after it
/// verified a healthy asset and a corrupted one (real restores) and opened an incident whose
/// correlated log lines include a `<script>`. Screenshots go to `.build/screenshots/`.
@Suite(.timeLimit(.minutes(5))) struct BoardBrowserTests {
    static let script = ServeFixtures.repository.appendingPathComponent("Tests/Browser/board_browser.py").path
    static let screenshots = ServeFixtures.repository.appendingPathComponent(".build/screenshots").path

    @Test func aPersonSeesTheFailingAssetFollowsItsHistoryAndReadsTheIncident() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let hasSelenium = (try? await Shell.run(["python3", "-c", "import selenium"])) != nil
        try #require(
            Shell.has("chromium") && Shell.has("chromedriver") && hasSelenium,
            "chromium, chromium-driver and selenium are missing: run scripts/install-test-deps")

        let directory = try TemporaryDirectory()
        let fixtures = BackupFixtures(directory: directory)
        let now = Date()
        try fixtures.setModified(try await fixtures.archive("backups/orders-db-1.tar.gz"), to: now)
        let broken = try await fixtures.archive("backups/users-db-1.tar.gz", rows: 2_000)
        let size = (try FileManager.default.attributesOfItem(atPath: broken)[.size] as? Int) ?? 0
        try await fixtures.truncate(broken, to: size / 2)
        try fixtures.setModified(broken, to: now)
        // The failing service's log around the backup: one line a reader must see as text.
        let stamp = { (offset: Double) in RFC3339.format(now.addingTimeInterval(offset)) }
        _ = try directory.write(
            "logs/users-db-api.log",
            """
            \(stamp(-120)) INFO users-db-api: backup started
            \(stamp(-60)) ERROR users-db-api: <script>window.__xss=1</script> write to /backups failed: input/output error

            """)
        let port = try FreePort.find()
        let config = try directory.write("backstop.yml", Self.configuration(port: port))
        let backstop = try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"])
        defer { backstop.requestTermination(keepingUntilExit: directory) }
        #expect(await backstop.waitForLine(containing: "incident open") != nil, "\(backstop.recentLines)")

        let (status, output) = try await Self.browse(
            ["python3", Self.script, "http://127.0.0.1:\(port)", "users-db", "orders-db", Self.screenshots],
            log: directory.file("browser.log"))
        #expect(status == 0 && output.contains("0 problems"), "the browser found problems:\n\(output)")
        for name in ["board", "run", "asset", "incident", "board-400px", "board-dark"] {
            #expect(FileManager.default.fileExists(atPath: "\(Self.screenshots)/\(name).png"), "screenshot \(name).png")
        }
    }

    /// Runs the browser script without holding one of the few cooperative threads for its
    /// whole run (the suite's other tests need them); its output goes to a file, not a pipe.
    static func browse(_ argv: [String], log: String) async throws -> (Int32, String) {
        guard FileManager.default.createFile(atPath: log, contents: nil) else { throw Shell.Failure(description: "cannot create \(log)") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.standardOutput = handle
        process.standardError = handle
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        try handle.close()
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    static func configuration(port: Int) -> String {
        """
        \(ServeFixtures.preamble(port: port))
        logs:
          sources:
            - { type: file, path: "./logs/{service}.log" }
        assets:
          - name: orders-db
            kind: database
            schedule: daily
            backup: { path: backups/orders-db-*.tar.gz, checksum: sidecar }
            \(ServeFixtures.tarRestore)
          - name: users-db
            kind: database
            schedule: daily
            service: users-db-api
            backup: { path: backups/users-db-*.tar.gz, checksum: sidecar }
            \(ServeFixtures.tarRestore)
        """
    }
}
