import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Exit codes of the commands, run in-process through the real parser.
@Suite struct CommandLineTests {
    func config(healthy: Bool) async throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let fixtures = BackupFixtures(directory: directory)
        try await fixtures.gzip("backups/orders.sql.gz")
        if !healthy { try fixtures.corrupt(directory.file("backups/orders.sql.gz")) }
        let path = try directory.write(
            "backstop.yml",
            """
            storage: { sqlite: ./data/b.db }
            schedules: { hourly: { cron: "@hourly", window: 1m } }
            restore_tests: { scratch: ./scratch }
            assets:
              - { name: orders-db, schedule: hourly, backup: { path: backups/*.gz, checksum: sidecar }, restore: { command: ["gzip", "-t", "{artifact}"] } }
            """)
        return (directory, path)
    }

    @Test func verifyExitsZeroWhenHealthyAndOneWhenNot() async throws {
        let (keepHealthy, healthy) = try await config(healthy: true)
        #expect(await BackstopCommand.runMain(arguments: ["verify", "--config", healthy, "--log-level", "critical"]) == 0)
        let (keepBroken, broken) = try await config(healthy: false)
        #expect(
            await BackstopCommand.runMain(arguments: ["verify", "--config", broken, "--format", "json", "--log-level", "critical"]) == 1)
        #expect(await BackstopCommand.runMain(arguments: ["runs", "--config", broken]) == 0)
        _ = (keepHealthy, keepBroken)
    }

    @Test(arguments: [
        ["verify", "--config", "/nonexistent/backstop.yml"],
        ["verify", "--asset", "nope"],
        ["verify", "--format", "yaml"],
        ["check-config", "--bogus"],
        ["no-such-command"],
    ])
    func usageAndConfigurationErrorsExitTwo(arguments: [String]) async throws {
        let (keep, path) = try await config(healthy: true)
        let withConfig =
            arguments.contains("--config") || arguments.first == "no-such-command" ? arguments : arguments + ["--config", path]
        #expect(await BackstopCommand.runMain(arguments: withConfig) == 2)
        _ = keep
    }

    /// Without api.tokens, `serve --listen` refuses a non-loopback or malformed address before it binds.
    /// The limit only catches a serve that binds and runs: it answers in milliseconds alone, but
    /// the suite's real-server tests can keep the two cooperative threads busy for a minute.
    @Test(.timeLimit(.minutes(10)), arguments: ["0.0.0.0:0", ":0", "[::]:0", "[::1:80", "::1:80"])
    func serveRefusesAnOpenNetworkListenWithoutTokens(listen: String) async throws {
        let (keep, path) = try await config(healthy: true)
        #expect(await BackstopCommand.runMain(arguments: ["serve", "--config", path, "--listen", listen, "--log-level", "critical"]) == 2)
        _ = keep
    }

    @Test func checkConfigExitsZeroOrTwo() async throws {
        let (keep, path) = try await config(healthy: true)
        #expect(await BackstopCommand.runMain(arguments: ["check-config", "--config", path]) == 0)
        let broken = try keep.write("broken.yml", "schedules: { x: { cron: nope } }\nassets: []\n")
        #expect(await BackstopCommand.runMain(arguments: ["check-config", "--config", broken]) == 2)
    }

    @Test func helpAndVersionExitZero() async {
        #expect(await BackstopCommand.runMain(arguments: ["--help"]) == 0)
        #expect(await BackstopCommand.runMain(arguments: ["--version"]) == 0)
        #expect(await BackstopCommand.runMain(arguments: ["verify", "--help"]) == 0)
    }
}
