import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

@Suite struct APIConfigurationTests {
    static func parse(listen: String, _ api: String, in directory: TemporaryDirectory) throws -> Configuration {
        let yaml = """
            listen: "\(listen)"
            storage: { sqlite: ./backstop.db }
            schedules: { nightly: { cron: "0 2 * * *" } }
            assets:
              - { name: orders-db, schedule: nightly, backup: { path: /b/*.gz } }
            \(api)
            """
        return try ConfigurationLoader.parse(yaml, file: "backstop.yml", baseDirectory: directory.path)
    }

    @Test func tokensAreReadFromFilesAndTheEnvironmentAndKeptOnlyAsDigests() throws {
        let directory = try TemporaryDirectory()
        try directory.write("prometheus.token", "scrape-s3cret\n")
        try directory.write("wrapper.token", "ingest-s3cret")
        let configuration = try Self.parse(
            listen: "0.0.0.0:10027",
            """
            api:
              tokens:
                - { name: prometheus, role: read, token_file: prometheus.token }
                - { name: backup-wrapper, role: ingest, token_file: ./wrapper.token }
                - { name: oncall, role: operator, token_env: PATH }
            """, in: directory)
        let api = configuration.api
        #expect(api.tokens.map(\.name) == ["prometheus", "backup-wrapper", "oncall"])
        #expect(api.tokens.map(\.role) == [.read, .ingest, .operator])
        #expect(api.token(presented: "scrape-s3cret")?.name == "prometheus")
        #expect(api.token(presented: "ingest-s3cret")?.role == .ingest)
        #expect(api.token(presented: ProcessInfo.processInfo.environment["PATH"] ?? "-")?.name == "oncall")
        #expect(api.token(presented: "scrape-s3cre") == nil)
        #expect(!"\(api)".contains("s3cret"), "tokens never print")
    }

    @Test func rolesIncludeReadingOnlyForOperators() {
        #expect(APIRole.operator.grants(.read))
        #expect(APIRole.operator.grants(.operator))
        #expect(!APIRole.read.grants(.operator))
        #expect(!APIRole.read.grants(.ingest))
        #expect(!APIRole.ingest.grants(.read))
        #expect(!APIRole.operator.grants(.ingest))
    }

    @Test(arguments: ["127.0.0.1:10027", "127.0.0.2:0", "localhost:10027", "[::1]:10027"])
    func withoutTokensLoopbackIsAllowed(listen: String) throws {
        #expect(try Self.parse(listen: listen, "", in: try TemporaryDirectory()).api.tokens.isEmpty)
    }

    @Test(arguments: ["0.0.0.0:10027", ":10027", "[::]:10027", "192.168.1.5:10027", "backstop.example:10027"])
    func withoutTokensANetworkAddressIsAnErrorUnlessExplicitlyOpen(listen: String) throws {
        let directory = try TemporaryDirectory()
        let error = try #require(throws: ConfigurationError.self) { try Self.parse(listen: listen, "", in: directory) }
        #expect(
            error.problems.contains { $0.keyPath == "listen" && $0.line == 1 && $0.message.contains("`api.tokens` is empty") }, "\(error)")
        let open = try Self.parse(listen: listen, "api: { insecure_open: true }", in: directory)
        #expect(open.api.insecureOpen)
    }

    @Test func tokenMistakesAreNamedWithTheirKeyPathAndLine() throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.token", "same")
        try directory.write("b.token", "same\n")
        let error = try #require(throws: ConfigurationError.self) {
            try Self.parse(
                listen: "127.0.0.1:10027",
                """
                api:
                  tokens:
                    - { name: a, role: read, token_file: a.token }
                    - { name: b, role: read, token_file: b.token }
                    - { name: a, role: admin, token_file: a.token }
                    - { name: c, role: read }
                    - { name: d, role: read, token_file: nowhere.token }
                    - { name: e, role: read, token: inline }
                  insecure_open: maybe
                """, in: directory)
        }
        let expected: [(line: Int, path: String, message: String)] = [
            (9, "api.tokens[1].token_file", "same token as api.tokens[0]"),
            (10, "api.tokens[2].role", "'admin' is not one of read, operator, ingest"),
            (11, "api.tokens[3].token_file", "is required (or token_env)"),
            (12, "api.tokens[4].token_file", "cannot read"),
            (13, "api.tokens[5].token", "unknown key"),
            (14, "api.insecure_open", "'maybe' is not true or false"),
        ]
        for item in expected {
            let found = error.problems.contains { $0.keyPath == item.path && $0.message.contains(item.message) && $0.line == item.line }
            #expect(found, "missing: line \(item.line) \(item.path): \(item.message)\n\(error)")
        }
        #expect(!error.description.contains("same\n") && !error.description.contains("inline"))
    }

    @Test(arguments: ["[::1:80", "::1:80", "[::1]]:80", "[]:80", "host:port", "127.0.0.1:70000"])
    func malformedListenAddressesAreRefused(listen: String) throws {
        let error = try #require(throws: ConfigurationError.self) {
            try Self.parse(listen: listen, "", in: try TemporaryDirectory())
        }
        #expect(error.problems.contains { $0.keyPath == "listen" && $0.message.contains("is not HOST:PORT") }, "\(error)")
    }
}
