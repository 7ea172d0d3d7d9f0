import Backstop
import BackstopTesting
import Foundation
import Testing

/// The exporter-toolkit web configuration (`--web.config.file`): a good file, and every kind of
/// mistake named by file, line and key.
@Suite struct WebConfigurationTests {
    static func parse(_ text: String, in directory: TemporaryDirectory) throws -> WebConfiguration {
        let file = try directory.write("web.yml", text)
        return try WebConfigurationLoader.load(path: file)
    }

    static func problems(_ text: String, in directory: TemporaryDirectory) throws -> ConfigurationError {
        try #require(throws: ConfigurationError.self) { try parse(text, in: directory) }
    }

    @Test func aGoodFileGivesTLSAndUsersWithPathsRelativeToIt() async throws {
        let directory = try TemporaryDirectory()
        try await WebFixtures.selfSigned(in: directory)
        let hash = try await WebFixtures.bcrypt("scrape-secret")
        let web = try Self.parse(
            """
            tls_server_config:
              cert_file: server.crt
              key_file: ./server.key
              min_version: TLS13
            basic_auth_users:
              prometheus: '\(hash)'
              alice: '$2a$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG'
            """, in: directory)
        let tls = try #require(web.tls)
        #expect(tls.certificateChain.count == 1)
        #expect(tls.minVersion == .tls13 && tls.maxVersion == .tls13)
        #expect(tls.clientAuth == .none)
        #expect(web.basicAuthUsers.keys.sorted() == ["alice", "prometheus"])
        #expect(web.basicAuthUsers["prometheus"]?.hasPrefix("$2b$") == true, "htpasswd's $2y$ is kept as $2b$")
        #expect(web.authenticatesClients)
    }

    @Test func anEmptyFileIsPlainHTTPWithoutUsers() throws {
        let web = try Self.parse("", in: try TemporaryDirectory())
        #expect(web.tls == nil && web.basicAuthUsers.isEmpty && !web.authenticatesClients)
    }

    @Test func everyKindOfMistakeIsNamedByFileLineAndKey() async throws {
        let directory = try TemporaryDirectory()
        try await WebFixtures.selfSigned(in: directory)
        let error = try Self.problems(
            """
            tls_server_config:
              cert_file: missing.crt
              keyfile: server.key
              client_auth_type: RequireAnyClientCert
              min_version: TLS14
              cipher_suites: [TLS_AES_128_GCM_SHA256]
            http_server_config: { http2: false }
            basic_auth_users:
              bob: plaintext-password
              'carol:x': '$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG'
            users: {}
            """, in: directory)
        let expected: [(line: Int, path: String, message: String)] = [
            (2, "tls_server_config.cert_file", "cannot read"),
            (3, "tls_server_config.keyfile", "unknown key; did you mean 'key_file'?"),
            (4, "tls_server_config.client_auth_type", "'RequireAnyClientCert' accepts client certificates without verifying them"),
            (5, "tls_server_config.min_version", "'TLS14' is not one of TLS10, TLS11, TLS12, TLS13"),
            (6, "tls_server_config.cipher_suites", "exporter-toolkit setting Backstop does not support"),
            (7, "http_server_config", "exporter-toolkit setting Backstop does not support"),
            (9, "basic_auth_users.bob", "is not a bcrypt hash"),
            (10, "basic_auth_users.carol:x", "user names cannot contain ':'"),
            (11, "users", "unknown key"),
        ]
        for (line, path, message) in expected {
            #expect(
                error.problems.contains { $0.line == line && $0.keyPath == path && $0.message.contains(message) },
                "missing \(line) \(path): \(message) in\n\(error)")
        }
        #expect(error.problems.contains { $0.keyPath == "tls_server_config.key_file" && $0.message.contains("is required") })
        #expect(error.description.contains(directory.file("web.yml")), "the error names the file")
        #expect(!error.description.contains("plaintext-password"), "a value that may be a password is not echoed")
    }

    @Test func aKeyThatIsNotTheCertificatesIsRefused() async throws {
        let directory = try TemporaryDirectory()
        try await WebFixtures.selfSigned(in: directory)
        try await WebFixtures.selfSigned(in: directory, name: "other")
        let error = try Self.problems("tls_server_config: { cert_file: server.crt, key_file: other.key }", in: directory)
        #expect(error.problems.map(\.keyPath) == ["tls_server_config.key_file"], "\(error)")
        #expect(error.problems.first?.message.contains("private key") == true, "\(error)")
    }

    @Test func aFileThatIsNotPEMIsRefused() async throws {
        let directory = try TemporaryDirectory()
        try await WebFixtures.selfSigned(in: directory)
        _ = try directory.write("garbage.crt", "not a certificate\n")
        let error = try Self.problems("tls_server_config: { cert_file: garbage.crt, key_file: server.key }", in: directory)
        #expect(error.problems.map(\.keyPath) == ["tls_server_config.cert_file"], "\(error)")
        #expect(error.problems.first?.message.contains("holds no PEM certificate") == true, "\(error)")
    }

    @Test func clientCertificatesNeedTheirCA() async throws {
        let directory = try TemporaryDirectory()
        try await WebFixtures.selfSigned(in: directory)
        let missing = try Self.problems(
            "tls_server_config: { cert_file: server.crt, key_file: server.key, client_auth_type: RequireAndVerifyClientCert }",
            in: directory)
        #expect(missing.problems.map(\.keyPath) == ["tls_server_config.client_ca_file"], "\(missing)")
        let unused = try Self.problems(
            "tls_server_config: { cert_file: server.crt, key_file: server.key, client_ca_file: server.crt }", in: directory)
        #expect(unused.problems.first?.message.contains("unused while client_auth_type is NoClientCert") == true, "\(unused)")
        let web = try Self.parse(
            """
            tls_server_config:
              { cert_file: server.crt, key_file: server.key, client_auth_type: RequireAndVerifyClientCert, client_ca_file: server.crt }
            """, in: directory)
        #expect(web.tls?.clientAuth == .requireAndVerify)
        #expect(web.authenticatesClients, "verified client certificates are authentication")
    }

    @Test func basicAuthUsersOrClientCertificatesSatisfyTheListenRule() throws {
        let users = WebConfiguration(basicAuthUsers: ["prometheus": "$2b$04$abcdefghijklmnopqrstuuKp8a3b2V5Qd3l0bYf9rL1n8pQw6bYzS"])
        #expect(APIAccess().listenProblem(host: "0.0.0.0") != nil)
        #expect(APIAccess().listenProblem(host: "0.0.0.0", web: WebConfiguration()) != nil, "TLS alone authenticates nobody")
        #expect(APIAccess().listenProblem(host: "0.0.0.0", web: users) == nil)
    }

    @Test func theConfigurationsWebConfigFileKeyLoadsItAndReportsItsProblems() async throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("web.yml", "basic_auth_users: { prometheus: '\(try await WebFixtures.bcrypt("secret"))' }\n")
        _ = try directory.write("bad-web.yml", "tls_server_config: { cert_file: nope.crt }\n")
        let base = """
            listen: 0.0.0.0:10027
            storage: { sqlite: ./data/backstop.db }
            schedules: { nightly: { cron: "0 2 * * *", timezone: UTC, window: 2h, grace: 15m } }
            assets: [{ name: db, schedule: nightly, backup: { path: /backups/*.gz } }]
            """
        let good = try ConfigurationLoader.parse(base + "\nweb_config_file: web.yml", file: "b.yml", baseDirectory: directory.path)
        #expect(good.web?.basicAuthUsers.keys.sorted() == ["prometheus"], "users satisfy the listen rule on 0.0.0.0")
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(base + "\nweb_config_file: bad-web.yml", file: "b.yml", baseDirectory: directory.path)
        }
        let problem = try #require(error.problems.first { $0.keyPath == "web_config_file" }, "\(error)")
        #expect(problem.message.contains("bad-web.yml") && problem.message.contains("tls_server_config.cert_file"), "\(error)")
        #expect(error.problems.contains { $0.keyPath == "listen" }, "without the users, 0.0.0.0 needs tokens: \(error)")
    }
}
