import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct HTTPTests {
    static let assets = """
          - { name: orders-db, schedule: nightly, backup: { path: backups/*.gz, checksum: sidecar }, restore: { command: ["gzip", "-t", "{artifact}"] } }
        """

    func app() async throws -> (Harness, BackstopServices, some ApplicationProtocol) {
        let harness = try Harness()
        try harness.fixtures.setModified(try await harness.fixtures.gzip("backups/orders.sql.gz"), to: Harness.backupTime)
        let services = try await harness.services(try harness.configuration(assets: Self.assets))
        return (harness, services, buildApplication(services: services, runScheduler: false))
    }

    @Test func anEventIsRecordedThenItsAssetIsVerified() async throws {
        let (harness, services, app) = try await app()
        try await app.test(.live) { client in
            let body = #"{"asset": "orders-db", "status": "success", "exit_code": 0, "finished_at": "2026-11-22T02:40:00.123456Z"}"#
            let id = try await client.execute(uri: "/api/v1/events", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .accepted)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                #expect(json?["status"] == "accepted")
                return try #require(json?["id"])
            }
            let run = try #require(await harness.runs.next())
            #expect(run.trigger == .event(id))
            #expect(run.outcome("orders-db")?.state == .healthy)
            #expect(run.outcome("orders-db")?.check(.toolStatus)?.status == .passed)
            #expect(run.outcome("orders-db")?.producedAt == RFC3339.parse("2026-11-22T02:40:00.123Z"))
            #expect(try await services.store.unprocessedEvents().isEmpty)
        }
    }

    /// Their ids count up (SequentialRecordIDs), so a batch of events adds to one page of the
    /// record's index on `id`; random ids sorted in arrival order one time in 2^n.
    @Test func eventIdsSortInTheOrderTheEventsWereAccepted() async throws {
        let (harness, _, app) = try await app()
        defer { withExtendedLifetime(harness) {} }
        try await app.test(.router) { client in
            let body = #"{"asset": "orders-db", "status": "success", "exit_code": 0}"#
            var ids: [String] = []
            for _ in 0..<8 {
                let id = try await client.execute(uri: "/api/v1/events", method: .post, body: ByteBuffer(string: body)) { response in
                    let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                    return try #require(json?["id"])
                }
                ids.append(id)
            }
            #expect(ids.allSatisfy { $0.hasPrefix("evt_") })
            #expect(Set(ids).count == ids.count)
            #expect(ids.sorted() == ids, "\(ids)")
        }
    }

    @Test(arguments: [
        (#"{"status": "success"}"#, HTTPResponse.Status.badRequest, "field 'asset' is required"),
        (#"{"asset": "orders-db"}"#, .badRequest, "field 'status' is required"),
        (#"{"asset": "orders-db", "status": "ok"}"#, .badRequest, "'ok' is not one of success, failure"),
        (#"{"asset": "orders-db", "status": "success", "exit_code": "0"}"#, .badRequest, "field 'exit_code': expected an integer"),
        ("[1, 2]", .badRequest, "invalid event"),
        ("not json at all", .badRequest, "not valid JSON"),
        (#"{"asset": "nope", "status": "success"}"#, .notFound, "unknown asset 'nope'"),
    ])
    func badEventsAreRejectedNamingTheProblem(body: String, status: HTTPResponse.Status, message: String) async throws {
        let (harness, services, app) = try await app()
        defer { withExtendedLifetime(harness) {} }
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/events", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == status)
                #expect(String(buffer: response.body).contains(message), "\(String(buffer: response.body))")
            }
        }
        #expect(try await services.store.unprocessedEvents().isEmpty, "nothing rejected is recorded")
    }

    @Test func anOversizedEventIsRejected() async throws {
        let (harness, _, app) = try await app()
        defer { withExtendedLifetime(harness) {} }
        try await app.test(.router) { client in
            let body = #"{"asset": "orders-db", "status": "failure", "output": ""# + String(repeating: "x", count: 2 << 20) + #""}"#
            try await client.execute(uri: "/api/v1/events", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func eventsAcceptedBeforeACrashAreProcessedAtStart() async throws {
        let (harness, services, _) = try await app()
        let event = CompletionEvent(
            id: "evt_crash", asset: "orders-db", receivedAt: harness.clock.now,
            report: ToolReport(asset: "orders-db", status: .failure, exitCode: 3))
        try await services.store.append(event)
        let app = buildApplication(services: services, runScheduler: false)
        try await app.test(.live) { _ in
            let run = try #require(await harness.runs.next())
            #expect(run.trigger == .event("evt_crash"))
            #expect(run.outcome("orders-db")?.check(.toolStatus)?.status == .failed)
        }
        #expect(try await services.store.unprocessedEvents().isEmpty)
    }

    @Test func metricsAreServedInTheTextFormat() async throws {
        let (harness, services, app) = try await app()
        defer { withExtendedLifetime(harness) {} }
        _ = try await services.runner.run(VerificationRequest(trigger: .manual))
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                let text = String(buffer: response.body)
                #expect(text.contains(#"backstop_backup_up{asset="orders-db",schedule="nightly"} 1"#))
                #expect(text.contains("process_cpu_seconds_total"))
            }
        }
    }

    @Test func runsAreListedAndReadable() async throws {
        let (harness, services, app) = try await app()
        defer { withExtendedLifetime(harness) {} }
        let run = try await services.runner.run(VerificationRequest(trigger: .manual))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/runs?limit=5", method: .get) { response in
                #expect(response.status == .ok)
                let runs = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]]
                #expect(runs?.first?["id"] as? String == run.id)
                #expect(runs?.first?["restore_tests"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/runs/\(run.id)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""bytes_hashed""#))
            }
            try await client.execute(uri: "/api/v1/runs/run_nope", method: .get) { response in
                #expect(response.status == .notFound)
            }
            for bad in ["0", "abc", "5000"] {
                try await client.execute(uri: "/api/v1/runs?limit=\(bad)", method: .get) { response in
                    #expect(response.status == .badRequest)
                }
            }
        }
    }

    @Test func healthEndpointsAndStatusBoard() async throws {
        let (harness, services, app) = try await app()
        defer { withExtendedLifetime(harness) {} }
        _ = try await services.runner.run(VerificationRequest(trigger: .manual))
        try await app.test(.router) { client in
            try await client.execute(uri: "/-/healthy", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/-/ready", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/debug/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#""store""#) && text.contains(#""scheduler""#))
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: response.body)
                #expect(html.contains(#"<a href="/assets/orders-db">orders-db</a>"#))
                #expect(html.contains(#"<strong class="healthy">1</strong> healthy"#))
            }
        }
    }
}
