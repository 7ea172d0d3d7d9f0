import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging
import Testing

/// A sink is one folder in BackstopSinks and one line in `SinkRegistry`. These tests keep the
/// registration whole: every registered sink's keys are parsed by the configuration reader and
/// build a client, and settings no registered sink builds from stop the start.
@Suite struct SinkRegistryTests {
    @Test func everyRegisteredSinkParsesIntoSettingsThatBuildAClient() throws {
        let directory = try TemporaryDirectory()
        try directory.write("keys/pagerduty", IncidentFixtures.routingKey + "\n")
        try directory.write("keys/jira", "jira-token\n")
        try directory.write("keys/linear", "lin_api_key\n")
        let configuration = try IncidentsConfigurationTests.parse(
            """
            incidents:
              sink: jira
              pagerduty: { routing_key_file: keys/pagerduty }
              jira: { url: https://example.atlassian.net, project: OPS, token_file: keys/jira }
              linear: { team_id: TEAM_ID, api_key_file: keys/linear }
            """, in: directory)
        let kinds = SinkRegistry.plugins.map(\.kind)
        #expect(Set(configuration.sinks.keys) == Set(kinds))
        let http = SinkHTTPClient(timeout: .seconds(1))
        for plugin in SinkRegistry.plugins {
            let settings = try #require(configuration.sinks[plugin.kind], "\(plugin.kind) was not parsed")
            let sink = plugin.makeSink(configured: settings, http: http)
            #expect(sink?.kind == plugin.kind, "\(plugin.displayName) does not build its client from its parsed settings")
        }
    }

    /// Settings that no registered sink builds a client from.
    struct UnregisteredSettings: SinkSettings {}

    @Test func configuredSettingsThatNoRegisteredSinkBuildsStopTheStartNamingTheSink() async throws {
        let directory = try TemporaryDirectory()
        var configuration = try IncidentsConfigurationTests.parse("", in: directory)
        configuration.sinks[SinkKind(rawValue: "carrier_pigeon")] = UnregisteredSettings()
        let error = await #expect(throws: SinkClientMissing.self) {
            _ = try await BackstopServices.make(configuration: configuration, logger: Logger(label: "sink-registry-test"))
        }
        #expect(error?.description.contains("incidents.carrier_pigeon is configured") == true)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/backstop.db"), "the store was opened before the check")
    }
}
