import Backstop
import BackstopTesting
import Foundation
import Testing

/// An operator's shell rarely holds the trackers' or the webhook's credentials: the commands
/// that only read the record must work without them, and the others must still ask for them.
@Suite struct ReadOnlyCommandsTests {
    /// A configuration whose every credential names a file that does not exist or an unset variable.
    func configurationWithoutSecrets() async throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        try await BackupFixtures(directory: directory).gzip("backups/orders.sql.gz")
        let path = try directory.write(
            "backstop.yml",
            """
            storage: { sqlite: ./data/b.db }
            schedules: { hourly: { cron: "@hourly", window: 1m } }
            restore_tests: { scratch: ./scratch }
            api:
              tokens:
                - { name: prometheus, role: read, token_file: keys/absent-api-token }
            webhook: { bearer_token_env: BACKSTOP_TEST_UNSET_WEBHOOK_TOKEN }
            incidents:
              sink: jira
              page: pagerduty
              pagerduty: { routing_key_file: keys/absent-routing-key }
              jira: { url: https://example.atlassian.net, api: 3, project: OPS, issue_type: Incident,
                      email: backstop@example.com, token_file: keys/absent-jira-token, resolve_transition: Done }
            assets:
              - { name: orders-db, schedule: hourly, backup: { path: backups/*.gz, checksum: sidecar } }
            """)
        return (directory, path)
    }

    @Test(arguments: [["runs"], ["incidents", "list"], ["incidents", "list", "--all", "--format", "json"], ["trends"]])
    func readOnlyCommandsRunWithoutTheSecrets(command: [String]) async throws {
        let (keep, path) = try await configurationWithoutSecrets()
        #expect(await BackstopCommand.runMain(arguments: command + ["--config", path, "--log-level", "critical"]) == 0)
        _ = keep
    }

    /// `report` reads the record and the logs; the trackers' credentials stay out of it.
    @Test func aReportIsWrittenAfterTheCredentialsAreGone() async throws {
        let (directory, path) = try await configurationWithoutSecrets()
        try directory.write("keys/absent-api-token", "api-token-for-the-test")
        try directory.write("keys/absent-routing-key", String(repeating: "r", count: 32))
        try directory.write("keys/absent-jira-token", "jira-token-for-the-test")
        // `verify` needs every credential: the same configuration with the webhook token in a file
        // (not set in this process's environment, which other tests' child processes copy meanwhile).
        try directory.write("keys/absent-webhook-token", "webhook-token-for-the-test")
        let withToken = try directory.write(
            "verify.yml",
            try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
                of: "bearer_token_env: BACKSTOP_TEST_UNSET_WEBHOOK_TOKEN", with: "bearer_token_file: keys/absent-webhook-token"))
        let verified = await BackstopCommand.runMain(arguments: ["verify", "--config", withToken, "--log-level", "critical"])
        try FileManager.default.removeItem(atPath: directory.file("keys"))
        #expect(verified == 0)
        #expect(await BackstopCommand.runMain(arguments: ["report", "latest", "--config", path, "--log-level", "critical"]) == 0)
    }

    @Test(arguments: [["check-config"], ["verify"]])
    func commandsThatActStillRequireThem(command: [String]) async throws {
        let (keep, path) = try await configurationWithoutSecrets()
        #expect(await BackstopCommand.runMain(arguments: command + ["--config", path, "--log-level", "critical"]) == 2)
        _ = keep
    }

    @Test func aMistakeInTheKeysIsStillReportedToReadOnlyCommands() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "backstop.yml",
            """
            storage: { sqlite: ./data/b.db }
            schedules: { hourly: { cron: "@hourly" } }
            incidents: { sink: jira, jira: { url: https://example.atlassian.net, token_file: a, token_env: B } }
            assets: []
            """)
        let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.load(path: path, secrets: .ifReadable) }
        #expect(error.description.contains("give either token_file or token_env, not both"), "\(error)")
    }
}
