import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging
import Testing

/// A sink is registered once, in BackstopInput's `SinkCatalog` (its configuration half); its
/// client half in Backstop is found through `SinkClientSettings`. These tests keep the halves
/// together: every registered sink builds a client, and a sink without one stops the start.
@Suite struct SinkCatalogTests {
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
        #expect(Set(configuration.sinks.keys) == Set(SinkCatalog.kinds))
        for kind in SinkCatalog.kinds {
            let settings = try #require(configuration.sinks[kind], "\(kind) was not parsed")
            #expect(settings is any SinkClientSettings, "\(kind.displayName) has no client in Sources/Backstop/Sinks/")
        }
    }

    /// Settings of a sink that has a parser but no client half.
    struct ParsedOnlySettings: SinkSettings {}

    @Test func aConfiguredSinkWithoutAClientStopsTheStartNamingTheSink() async throws {
        let directory = try TemporaryDirectory()
        var configuration = try IncidentsConfigurationTests.parse("", in: directory)
        configuration.sinks[SinkKind(rawValue: "carrier_pigeon")] = ParsedOnlySettings()
        let error = await #expect(throws: SinkClientMissing.self) {
            _ = try await BackstopServices.make(configuration: configuration, logger: Logger(label: "sink-catalog-test"))
        }
        #expect(error?.description.contains("incidents.carrier_pigeon is configured") == true)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/backstop.db"), "the store was opened before the check")
    }
}
