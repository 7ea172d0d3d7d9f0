import AsyncHTTPClient
import Backstop
import BackstopTesting
import Foundation
import NIOSSL
import Testing

/// `backstop serve --web.config.file` with TLS and a bcrypt basic-auth user, scraped by a real
/// Prometheus (Debian's) the way it scrapes any exporter: `scheme: https`, `tls_config`,
/// `basic_auth`. The certificate is self-signed by openssl for 127.0.0.1 in each test.
@Suite(.timeLimit(.minutes(5))) struct WebConfigScrapeTests {
    static let password = "scrape-secret"

    /// A running Backstop serving TLS on a free loopback port.
    struct Served {
        var backstop: BackstopProcess
        var port: Int
        var directory: TemporaryDirectory
        var certificate: String
    }

    static func serve() async throws -> Served {
        let directory = try TemporaryDirectory()
        let (certificate, _) = try await WebFixtures.selfSigned(in: directory)
        let (backstop, port) = try await WebFixtures.serve(
            web: """
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                basic_auth_users:
                  prometheus: '\(try WebFixtures.bcrypt(password))'
                """, in: directory)
        return Served(backstop: backstop, port: port, directory: directory, certificate: certificate)
    }

    @Test func prometheusScrapesBackstopOverTLSWithBasicAuth() async throws {
        let served = try await Self.serve()
        defer { served.backstop.requestTermination(keepingUntilExit: served.directory) }
        let passwordFile = try served.directory.write("prometheus-password", Self.password)
        let prometheus = try await LoopbackDaemon.prometheus(
            configuration: """
                global: { scrape_interval: 1s, evaluation_interval: 1s }
                scrape_configs:
                  - job_name: backstop
                    scheme: https
                    tls_config: { ca_file: \(served.certificate) }
                    basic_auth: { username: prometheus, password_file: \(passwordFile) }
                    static_configs: [{ targets: ["127.0.0.1:\(served.port)"] }]
                """)
        defer { prometheus.stop() }
        try await DashboardQueryTests.waitUntil("Prometheus has scraped Backstop over TLS", prometheus: prometheus) {
            try await DashboardQueryTests.query(#"up{job="backstop"} == 1"#, on: prometheus).isEmpty == false
        }
        let series = try await DashboardQueryTests.query(#"backstop_build_info{job="backstop"}"#, on: prometheus)
        #expect(series.count == 1, "\(series)")
        #expect(
            !served.backstop.recentLines.contains { $0.contains(Self.password) || $0.contains("$2y$") || $0.contains("$2b$") },
            "neither the password nor its hash is logged")
    }

    @Test func aWrongPasswordGets401OverTLS() async throws {
        let served = try await Self.serve()
        defer { served.backstop.requestTermination(keepingUntilExit: served.directory) }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(served.certificate))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            let url = "https://127.0.0.1:\(served.port)/metrics"
            let wrong = try await Self.get(url, client: client, user: "prometheus", password: "not-the-password")
            #expect(wrong.status == 401)
            #expect(wrong.challenges.contains(#"Basic realm="backstop""#), "\(wrong.challenges)")
            #expect(try await Self.get(url, client: client, user: nil, password: nil).status == 401)
            let right = try await Self.get(url, client: client, user: "prometheus", password: Self.password)
            #expect(right.status == 200)
            let healthy = try await Self.get("https://127.0.0.1:\(served.port)/-/healthy", client: client, user: nil, password: nil)
            #expect(healthy.status == 200, "probes stay open")
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    static func get(_ url: String, client: HTTPClient, user: String?, password: String?) async throws -> (status: Int, challenges: [String])
    {
        var request = HTTPClientRequest(url: url)
        if let user, let password {
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers["WWW-Authenticate"])
    }
}
