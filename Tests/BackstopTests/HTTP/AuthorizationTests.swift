import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route × every caller through the real wiring: who gets in (any status but 401/403),
/// who gets 401 (no or unknown token) and who gets 403 (a token without the role).
@Suite struct AuthorizationTests {
    enum Caller: String, CaseIterable, Sendable {
        case anonymous, unknown, read, `operator`, ingest

        var authorization: String? {
            switch self {
            case .anonymous: nil
            case .unknown: "Bearer not-a-configured-token"
            default: "Bearer token-\(rawValue)"
            }
        }
    }

    struct Route: Sendable, CustomTestStringConvertible {
        var method: HTTPRequest.Method
        var uri: String
        var body = ""
        /// The roles let in; nil means everyone, even without a token.
        var allowed: Set<Caller>?

        var testDescription: String { "\(method) \(uri)" }
    }

    static let readers: Set<Caller> = [.read, .operator]
    static let routes: [Route] = [
        Route(method: .get, uri: "/-/healthy", allowed: nil),
        Route(method: .get, uri: "/-/ready", allowed: nil),
        Route(method: .get, uri: "/metrics", allowed: readers),
        Route(method: .get, uri: "/debug/healthz", allowed: readers),
        Route(method: .get, uri: "/", allowed: readers),
        Route(method: .get, uri: "/?state=failing&q=orders&page=2", allowed: readers),
        Route(method: .get, uri: "/assets/orders-db", allowed: readers),
        Route(method: .get, uri: "/runs/run_x", allowed: readers),
        Route(method: .get, uri: "/incidents/inc_x", allowed: readers),
        Route(method: .get, uri: "/runbooks", allowed: readers),
        Route(method: .get, uri: "/runbooks/backup-failed", allowed: readers),
        Route(method: .get, uri: "/api/v1/runs?limit=5", allowed: readers),
        Route(method: .get, uri: "/api/v1/runs/run_x", allowed: readers),
        Route(method: .get, uri: "/api/v1/runs/run_x/report.md", allowed: readers),
        Route(method: .get, uri: "/api/v1/runs/run_x/report.json", allowed: readers),
        Route(method: .get, uri: "/api/v1/incidents?state=all", allowed: readers),
        Route(method: .get, uri: "/api/v1/incidents/inc_x", allowed: readers),
        Route(method: .get, uri: "/api/v1/incidents/inc_x/report.md", allowed: readers),
        Route(method: .get, uri: "/api/v1/digests/latest", allowed: readers),
        Route(method: .get, uri: "/api/v1/approvals?state=pending_approval", allowed: [.operator]),
        Route(method: .post, uri: "/api/v1/approvals/apr_x/approve", allowed: [.operator]),
        Route(method: .post, uri: "/api/v1/approvals/apr_x/deny", body: #"{"comment": "no"}"#, allowed: [.operator]),
        Route(method: .head, uri: "/metrics", allowed: readers),
        Route(method: .get, uri: "/no/such/route", allowed: readers),
        Route(method: .post, uri: "/api/v1/events", body: #"{"asset": "nope", "status": "failure"}"#, allowed: [.ingest]),
        Route(method: .post, uri: "/api/v1/alerts", body: "not json", allowed: [.ingest]),
    ]

    static let cases: [(Route, Caller)] = routes.flatMap { route in Caller.allCases.map { (route, $0) } }

    static func services(_ harness: Harness, tokens: Bool = true, webhook: String = "webhook: {}") async throws -> BackstopServices {
        var api = ""
        if tokens {
            api = "api:\n  tokens:\n"
            for role in ["read", "operator", "ingest"] {
                _ = try harness.directory.write("tokens/\(role)", "token-\(role)\n")
                api += "    - { name: \(role)-client, role: \(role), token_file: ./tokens/\(role) }\n"
            }
        }
        return try await harness.services(
            try harness.configuration(assets: IncidentFixtures.asset("orders"), extra: api + "\n" + webhook))
    }

    static func request(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, body: String = "", authorization: String?
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if let authorization { headers[.authorization] = authorization }
        return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) { $0 }
    }

    @Test(arguments: cases)
    func everyRouteAnswersEachCallerAsItsRoleAllows(route: Route, caller: Caller) async throws {
        let harness = try Harness()
        let services = try await Self.services(harness)
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            let response = try await Self.request(client, route.method, route.uri, body: route.body, authorization: caller.authorization)
            let body = String(buffer: response.body)
            if route.allowed?.contains(caller) ?? true {
                #expect(response.status != .unauthorized && response.status != .forbidden, "\(body)")
            } else if caller == .anonymous || caller == .unknown {
                #expect(response.status == .unauthorized, "\(body)")
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="backstop""#)
            } else {
                #expect(response.status == .forbidden, "\(body)")
                #expect(body.contains("\(caller.rawValue)-client"), "\(body)")
            }
            #expect(!body.contains("token-"), "tokens never appear in answers")
        }
        #expect(try await services.store.unprocessedEvents().isEmpty)
    }

    @Test func theTestCoversEveryRouteOfTheTable() {
        let tested = Set(
            Self.routes.compactMap { route in
                RouteAccess.entry(method: route.method, path: String(route.uri.prefix { $0 != "?" })).map { "\($0.method) \($0.path)" }
            })
        #expect(tested == Set(RouteAccess.table.map { "\($0.method) \($0.path)" }))
    }

    @Test func withoutTokensEveryRouteIsOpen() async throws {
        let harness = try Harness()
        let services = try await Self.services(harness, tokens: false)
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            for route in Self.routes {
                let response = try await Self.request(client, route.method, route.uri, body: route.body, authorization: nil)
                #expect(response.status != .unauthorized && response.status != .forbidden, "\(route.testDescription)")
            }
        }
    }

    @Test func theWebhookCredentialsStillAuthoriseAlertsBesideTheTokens() async throws {
        let harness = try Harness()
        _ = try harness.directory.write("webhook-token", "webhook-secret\n")
        let services = try await Self.services(harness, webhook: "webhook: { bearer_token_file: ./webhook-token }")
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            // The scheme is case-insensitive and spaces or tabs around the credentials are not
            // part of them (RFC 9110); anything else in the credentials is.
            for authorization in ["Bearer webhook-secret", "Bearer token-ingest", "bearer webhook-secret", "Bearer  \twebhook-secret\t "] {
                let response = try await Self.request(client, .post, "/api/v1/alerts", body: "not json", authorization: authorization)
                #expect(response.status == .badRequest, "\(authorization)")
            }
            for authorization in ["Bearer webhook-secre", "Bearer webhook-secret x", "Bearer webhook-secret\u{A0}", "Basic webhook-secret"]
            {
                let response = try await Self.request(client, .post, "/api/v1/alerts", body: "not json", authorization: authorization)
                #expect(response.status == .unauthorized, "\(authorization)")
            }
            let metrics = try await Self.request(client, .get, "/metrics", authorization: "Bearer webhook-secret")
            #expect(metrics.status == .unauthorized, "the webhook's credentials open only the webhook")
        }
    }
}
