import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Testing

/// Basic-auth users of the web configuration through the real wiring: they read (the `read`
/// role, what Prometheus scrapes with), bearer tokens keep working beside them, probes stay open.
@Suite struct BasicAuthTests {
    static let password = "scrape-secret"

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    static func services(_ harness: Harness, tokens: Bool) async throws -> BackstopServices {
        var api = ""
        if tokens {
            _ = try harness.directory.write("tokens/ingest", "token-ingest\n")
            api = "api: { tokens: [{ name: ingest-client, role: ingest, token_file: ./tokens/ingest }] }"
        }
        var configuration = try harness.configuration(assets: IncidentFixtures.asset("orders"), extra: api)
        configuration.web = WebConfiguration(basicAuthUsers: ["prometheus": Bcrypt.hash(password, cost: 4)])
        return try await harness.services(configuration)
    }

    @Test func aBasicAuthUserReadsAndIsRefusedBeyondRead() async throws {
        let harness = try Harness()
        let services = try await Self.services(harness, tokens: true)
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            let good = Self.basic("prometheus", Self.password)
            let metrics = try await AuthorizationTests.request(client, .get, "/metrics", authorization: good)
            #expect(metrics.status == .ok)
            // A second scrape is answered from the cache of verified credentials, the same way.
            #expect(try await AuthorizationTests.request(client, .get, "/metrics", authorization: good).status == .ok)
            for wrong in [Self.basic("prometheus", "wrong"), Self.basic("mallory", Self.password), "Basic !!!", nil] {
                let response = try await AuthorizationTests.request(client, .get, "/metrics", authorization: wrong)
                #expect(response.status == .unauthorized)
                #expect(response.headers[values: .wwwAuthenticate].contains(#"Basic realm="backstop""#))
                #expect(!String(buffer: response.body).contains(Self.password))
            }
            let event = try await AuthorizationTests.request(
                client, .post, "/api/v1/events", body: #"{"asset": "nope", "status": "failure"}"#, authorization: good)
            #expect(event.status == .forbidden)
            #expect(String(buffer: event.body).contains("basic-auth user 'prometheus'"))
            let ingest = try await AuthorizationTests.request(
                client, .post, "/api/v1/events", body: #"{"asset": "nope", "status": "failure"}"#, authorization: "Bearer token-ingest")
            #expect(ingest.status != .unauthorized && ingest.status != .forbidden, "api.tokens keep working")
            for probe in ["/-/healthy", "/-/ready"] {
                let response = try await AuthorizationTests.request(client, .get, probe, authorization: nil)
                #expect(response.status != .unauthorized && response.status != .forbidden, "\(probe) stays open")
            }
        }
    }

    @Test func usersWithoutTokensCloseEveryRouteButTheProbes() async throws {
        let harness = try Harness()
        let services = try await Self.services(harness, tokens: false)
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            for route in AuthorizationTests.routes where route.allowed != nil {
                let response = try await AuthorizationTests.request(client, route.method, route.uri, body: route.body, authorization: nil)
                #expect(response.status == .unauthorized, "\(route.testDescription)")
            }
            let good = Self.basic("prometheus", Self.password)
            #expect(try await AuthorizationTests.request(client, .get, "/api/v1/runs", authorization: good).status == .ok)
        }
    }
}
