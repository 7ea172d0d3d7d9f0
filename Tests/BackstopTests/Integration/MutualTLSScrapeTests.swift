import AsyncHTTPClient
import Backstop
import BackstopTesting
import Foundation
import NIOSSL
import Testing

/// `client_auth_type: RequireAndVerifyClientCert`: a real Prometheus with a client certificate
/// signed by the configured CA scrapes Backstop; a client without one, or with one from another
/// CA, is refused during the handshake, before any HTTP is read.
@Suite(.timeLimit(.minutes(5))) struct MutualTLSScrapeTests {
    struct Served {
        var backstop: BackstopProcess
        var port: Int
        var directory: TemporaryDirectory
        var serverCertificate: String
        var authority: (certificate: String, key: String)
    }

    static func serve() async throws -> Served {
        let directory = try TemporaryDirectory()
        let (serverCertificate, _) = try await WebFixtures.selfSigned(in: directory)
        let authority = try await WebFixtures.certificateAuthority(in: directory, name: "scrapers-ca")
        let (backstop, port) = try await WebFixtures.serve(
            web: """
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                  client_auth_type: RequireAndVerifyClientCert
                  client_ca_file: scrapers-ca.crt
                """, in: directory)
        return Served(backstop: backstop, port: port, directory: directory, serverCertificate: serverCertificate, authority: authority)
    }

    @Test func prometheusWithAClientCertificateScrapesBackstop() async throws {
        let served = try await Self.serve()
        defer { served.backstop.requestTermination(keepingUntilExit: served.directory) }
        let client = try await WebFixtures.clientCertificate(in: served.directory, name: "prometheus", authority: served.authority)
        let prometheus = try await LoopbackDaemon.prometheus(
            configuration: """
                global: { scrape_interval: 1s, evaluation_interval: 1s }
                scrape_configs:
                  - job_name: backstop
                    scheme: https
                    tls_config: { ca_file: \(served.serverCertificate), cert_file: \(client.certificate), key_file: \(client.key) }
                    static_configs: [{ targets: ["127.0.0.1:\(served.port)"] }]
                """)
        defer { prometheus.stop() }
        try await DashboardQueryTests.waitUntil("Prometheus has scraped Backstop with its client certificate", prometheus: prometheus) {
            try await DashboardQueryTests.query(#"up{job="backstop"} == 1"#, on: prometheus).isEmpty == false
        }
        let series = try await DashboardQueryTests.query(#"backstop_build_info{job="backstop"}"#, on: prometheus)
        #expect(series.count == 1, "\(series)")
    }

    @Test func clientsWithoutAVerifiedCertificateAreRefused() async throws {
        let served = try await Self.serve()
        defer { served.backstop.requestTermination(keepingUntilExit: served.directory) }
        let stranger = try await WebFixtures.certificateAuthority(in: served.directory, name: "stranger-ca")
        let strangerClient = try await WebFixtures.clientCertificate(in: served.directory, name: "intruder", authority: stranger)
        let trustedClient = try await WebFixtures.clientCertificate(in: served.directory, name: "prometheus", authority: served.authority)
        let url = "https://127.0.0.1:\(served.port)/metrics"

        #expect(try await Self.status(url, trusting: served.serverCertificate, presenting: nil) == nil, "no certificate: refused")
        #expect(
            try await Self.status(url, trusting: served.serverCertificate, presenting: strangerClient) == nil,
            "a certificate from another CA: refused")
        #expect(try await Self.status(url, trusting: served.serverCertificate, presenting: trustedClient) == 200)
    }

    /// The response status, or nil when the TLS handshake (or the connection) was refused.
    static func status(_ url: String, trusting server: String, presenting client: (certificate: String, key: String)?) async throws
        -> Int?
    {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(server))
        if let client {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(client.certificate).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: client.key, format: .pem))
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        let status: Int?
        do {
            let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 22)
            status = Int(response.status.code)
        } catch {
            status = nil
        }
        try await http.shutdown()
        return status
    }
}
