import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

@Suite struct IncidentsConfigurationTests {
    static func parse(_ extra: String, in directory: TemporaryDirectory) throws -> Configuration {
        let yaml = """
            storage: { sqlite: ./backstop.db }
            schedules: { nightly: { cron: "0 2 * * *" } }
            assets:
              - { name: db, schedule: nightly, backup: { path: /b/*.gz, retry: ["systemctl", "start", "backup-db"] } }
            \(extra)
            """
        return try ConfigurationLoader.parse(yaml, file: "backstop.yml", baseDirectory: directory.path)
    }

    @Test func theIssuesExampleParsesAsWritten() throws {
        let directory = try TemporaryDirectory()
        try directory.write("keys/pagerduty", IncidentFixtures.routingKey + "\n")
        try directory.write("keys/jira", "jira-token\n")
        try directory.write("keys/linear", "lin_api_key\n")
        let configuration = try Self.parse(
            """
            recovery: { transient: [network_timeout, lock_wait, quota_exceeded], max_attempts: 3, backoff: 30s, budget_per_window: 20 }
            incidents:
              sink: jira
              page: pagerduty
              dedup: [asset, cause]
              auto_resolve: true
              reopen_within: 24h
              report_base_url: https://backstop.example.com
              pagerduty: { url: https://events.pagerduty.com, routing_key_file: keys/pagerduty }
              jira: { url: https://example.atlassian.net, api: 3, project: OPS, issue_type: Incident,
                      email: backstop@example.com, token_file: keys/jira, resolve_transition: Done }
              linear: { url: https://api.linear.app/graphql, team_id: TEAM_ID, api_key_file: keys/linear,
                        completed_state: Done }
            runbooks: { disk_full: https://wiki.example.com/runbooks/backup-disk-full }
            dry_run: false
            """, in: directory)
        #expect(configuration.recovery.transient == [.networkTimeout, .lockWait, .quotaExceeded])
        #expect(configuration.recovery.maxAttempts == 3 && configuration.recovery.budgetPerWindow == 20)
        #expect(configuration.incidents.sink == .jira && configuration.incidents.page == .pagerduty)
        #expect(configuration.incidents.targets == [.jira, .pagerduty])
        #expect(configuration.incidents.reportURL(incident: "inc_1") == "https://backstop.example.com/api/v1/incidents/inc_1/report.md")
        #expect(configuration.pagerDuty?.routingKey == Secret(IncidentFixtures.routingKey))
        #expect(configuration.jira?.project == "OPS" && configuration.jira?.email == "backstop@example.com")
        #expect(configuration.jira?.token == Secret("jira-token"))
        #expect(configuration.linear?.teamID == "TEAM_ID" && configuration.linear?.apiKey == Secret("lin_api_key"))
        #expect(configuration.asset(named: "db")?.backup.retry == ["systemctl", "start", "backup-db"])
        #expect(configuration.dryRun == false)
    }

    @Test func incidentMistakesAreNamedWithTheirKeyPath() throws {
        let directory = try TemporaryDirectory()
        try directory.write("short-key", "abc\n")
        let error = try #require(throws: ConfigurationError.self) {
            try Self.parse(
                """
                recovery: { transient: [network_timeout, flaky], max_attempts: -1 }
                incidents:
                  sink: servicenow
                  page: jira
                  dedup: [asset, colour]
                  report_base_url: backstop.example.com
                  pagerduty: { routing_key_file: short-key }
                  jira: { url: https://example.atlassian.net, token: inline-secret }
                """, in: directory)
        }
        let text = error.description
        #expect(text.contains("recovery.transient: 'flaky' is not a failure cause"))
        #expect(text.contains("recovery.max_attempts"))
        #expect(text.contains("incidents.sink"))
        #expect(text.contains("incidents.page: only pagerduty pages on-call"))
        #expect(text.contains("incidents.dedup: use a non-empty list of asset, cause, schedule"))
        #expect(text.contains("incidents.report_base_url: 'backstop.example.com' is not an http(s) URL"))
        #expect(text.contains("incidents.pagerduty.routing_key_file: the routing key must be 32 characters"))
        #expect(text.contains("incidents.jira.project: is required"))
        #expect(text.contains("incidents.jira.token: unknown key; did you mean 'token_file'?"))
        #expect(!text.contains("inline-secret") && !text.contains("abc"), "secrets are not echoed")
    }

    @Test func aSinkWithoutItsSectionIsAnError() throws {
        let directory = try TemporaryDirectory()
        let error = try #require(throws: ConfigurationError.self) {
            try Self.parse("incidents: { sink: linear }", in: directory)
        }
        #expect(error.description.contains("incidents.linear: is required: incidents go to linear"))
    }
}
