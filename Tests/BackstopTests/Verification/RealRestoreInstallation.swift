import Backstop
import BackstopCore
import BackstopTesting
import Foundation

/// A Backstop installation for the real executable: one daily schedule whose last window has
/// closed, one backup in it, and a restore script given by the test. The script is run with
/// `sh -c`; `{fifo}` and `{dir}` in it name a FIFO it can announce itself on and the directory.
struct RealRestoreInstallation {
    let directory: TemporaryDirectory
    let config: String
    let fifo: String
    /// The window the scheduler verifies at start.
    let window: BackupWindow

    init(script: String, timeout: String = "10m") async throws {
        directory = try TemporaryDirectory()
        fifo = directory.file("started.fifo")
        try await Shell.run(["mkfifo", fifo])
        let command = script.replacingOccurrences(of: "{fifo}", with: fifo).replacingOccurrences(of: "{dir}", with: directory.path)
        let quoted = command.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        config = try directory.write(
            "backstop.yml",
            """
            listen: 127.0.0.1:\(try FreePort.find())
            storage: { sqlite: ./data/backstop.db }
            schedules: { daily: { cron: "0 0 * * *", timezone: UTC, window: 1h, grace: 1m } }
            restore_tests: { sample: 100%, min: 1, scratch: ./scratch }
            diagnosis: { probes: false }
            assets:
              - name: orders-db
                schedule: daily
                backup: { path: backups/*.gz }
                restore: { command: ["sh", "-c", "\(quoted)"], timeout: \(timeout) }
            """)
        let configuration = try ConfigurationLoader.load(path: config)
        guard let window = configuration.schedules["daily"]?.lastClosedWindow(at: Date()) else {
            throw InstallationError("the daily schedule has no closed window")
        }
        self.window = window
        let fixtures = BackupFixtures(directory: directory)
        try fixtures.setModified(try await fixtures.gzip("backups/orders.sql.gz"), to: window.start.addingTimeInterval(1_800))
    }

    var serve: [String] { ["serve", "--config", config, "--log-format", "text", "--log-level", "info"] }
    var verify: [String] { ["verify", "--config", config, "--log-format", "text", "--log-level", "info"] }

    func store() throws -> SQLiteRunStore { try SQLiteRunStore(path: directory.file("data/backstop.db")) }

    var scratchEntries: [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory.file("scratch"))) ?? [] }

    /// A pid the script wrote to `{dir}/<name>`.
    func pid(_ name: String) throws -> Int32 {
        let text = try String(contentsOfFile: directory.file(name), encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw InstallationError("\(name) holds no pid: '\(text)'")
        }
        return pid
    }
}

struct InstallationError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
