import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

@Suite struct LokiConfigurationTests {
    static func parse(_ sources: String, in directory: TemporaryDirectory) throws -> Configuration {
        let yaml = """
            storage: { sqlite: ./backstop.db }
            schedules: { nightly: { cron: "0 2 * * *" } }
            assets:
              - { name: db, schedule: nightly, backup: { path: /b/*.gz } }
            logs:
              sources:
            \(sources)
            """
        return try ConfigurationLoader.parse(yaml, file: "backstop.yml", baseDirectory: directory.path)
    }

    @Test func aLokiSourceReadsItsSecretFromAFileRelativeToTheConfiguration() throws {
        let directory = try TemporaryDirectory()
        try directory.write("secrets/loki-password", "hunter2\n")
        let configuration = try Self.parse(
            """
                - type: loki
                  url: http://loki:3100
                  query: '{app="{service}", env="prod"}'
                  tenant: team-a
                  page_size: 500
                  basic_auth: { username: backstop, password_file: secrets/loki-password }
            """, in: directory)
        guard case .loki(let loki) = try #require(configuration.logSources.first) else {
            Issue.record("expected a loki source")
            return
        }
        #expect(loki.url == "http://loki:3100")
        #expect(loki.query == #"{app="{service}", env="prod"}"#)
        #expect(loki.tenant == "team-a")
        #expect(loki.pageSize == 500)
        #expect(loki.credentials == .basic(username: "backstop", password: Secret("hunter2")))
        #expect("\(Secret("hunter2"))" == "<redacted>")
    }

    @Test func lokiMistakesAreNamedWithTheirKeyPath() throws {
        let directory = try TemporaryDirectory()
        let error = try #require(throws: ConfigurationError.self) {
            try Self.parse(
                """
                    - { type: loki, url: "loki:3100" }
                    - { type: loki, url: http://loki:3100, query: '{app="x"}' }
                    - { type: loki, url: http://loki:3100, bearer_token_file: missing-token }
                    - { type: loki, url: http://loki:3100, basic_auth: { username: u, password: inline } }
                    - { type: loki }
                """, in: directory)
        }
        let text = error.description
        #expect(text.contains("logs.sources[0].url: 'loki:3100' is not an http(s) URL"))
        #expect(text.contains("logs.sources[1].query: must contain {service}"))
        #expect(text.contains("logs.sources[2].bearer_token_file: cannot read '\(directory.path)/missing-token'"))
        #expect(text.contains("logs.sources[3].basic_auth.password: unknown key; did you mean 'password_file'?"))
        #expect(text.contains("logs.sources[3].basic_auth.password_file: is required"))
        #expect(text.contains("logs.sources[4].url: is required"))
        #expect(!text.contains("inline"), "a value given inline is not echoed")
    }
}
