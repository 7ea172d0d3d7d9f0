import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The board and its pages through the real wiring and a real SQLite record.
@Suite struct BoardPagesTests {
    @Test func theBoardShowsTheFailingAssetFirstWithItsCauseHistoryAndLinks() async throws {
        let harness = try Harness()
        let (services, run) = try await BoardFixtures.services(harness)
        let incident = try #require(try await services.store.incidents(limit: 5, openOnly: true).first)
        try await buildApplication(services: services, runScheduler: false).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: response.body)
                let users = try #require(html.range(of: #"<a href="/assets/users-db">users-db</a>"#))
                let orders = try #require(html.range(of: #"<a href="/assets/orders-db">orders-db</a>"#))
                #expect(users.lowerBound < orders.lowerBound, "failing first")
                #expect(html.contains(#"<td class="cause" data-label="Cause">corrupted_artifact</td>"#))
                #expect(html.contains(#"class="cell failed" href="/runs/\#(run.id)""#), "a history cell links to its run")
                #expect(html.contains(#"class="cell healthy" href="/runs/\#(run.id)""#))
                #expect(html.contains(#"<a href="/incidents/\#(incident.id)">"#))
                #expect(html.contains(#"<meta http-equiv="refresh""#))
                #expect(html.contains("<svg") && html.contains(#"class="bar c"#), "the failures chart has a bar")
                #expect(!html.contains("/api/v1/runs/\(run.id)"), "the board links to pages, not JSON")
                #expect(!html.contains("<script"), "no JavaScript")
            }
        }
    }

    @Test(arguments: [
        ("/?q=ORDERS", ["orders-db"]), ("/?state=failing", ["users-db"]), ("/?state=healthy", ["orders-db"]),
        ("/?kind=volume", ["users-db"]), ("/?schedule=nightly&kind=database", ["orders-db"]), ("/?state=unverified", []),
    ])
    func filtersNarrowTheTable(uri: String, expected: [String]) async throws {
        let harness = try Harness()
        let (services, _) = try await BoardFixtures.services(harness)
        try await buildApplication(services: services, runScheduler: false).test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                let html = String(buffer: response.body)
                let shown = ["orders-db", "users-db"].filter { html.contains(#"<th scope="row"><a href="/assets/\#($0)">"#) }
                #expect(shown == expected, "\(uri)")
            }
        }
    }

    @Test(arguments: [
        ("/?state=broken", "state 'broken' is not one of"), ("/?kind=disk", "kind 'disk' is not one of"),
        ("/?page=0", "page must be a whole number from 1"),
    ])
    func aBadFilterIsAnsweredNamingIt(uri: String, message: String) async throws {
        let harness = try Harness()
        let services = try await harness.services(try harness.configuration(assets: BoardFixtures.assets))
        try await buildApplication(services: services, runScheduler: false).test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains(message))
            }
        }
    }

    @Test func theIncidentPageRendersTheReportWithItsLogLinesEscaped() async throws {
        let harness = try Harness()
        let (services, run) = try await BoardFixtures.services(harness)
        let incident = try #require(try await services.store.incidents(limit: 5, openOnly: true).first)
        try await buildApplication(services: services, runScheduler: false).test(.router) { client in
            try await client.execute(uri: "/incidents/\(incident.id)", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("&lt;script&gt;window.__xss=1&lt;/script&gt; write to /backups failed"), "the log line, as text")
                #expect(!html.contains("<script"), "nothing from the report runs")
                #expect(html.contains("<strong>Logs</strong>"), "the report's Markdown is rendered")
                #expect(html.contains(#"<a href="/runs/\#(run.id)">"#) && html.contains(#"<a href="/assets/users-db">"#))
                #expect(html.contains(#"id="timeline""#) && html.contains("<td data-label=\"Event\">opened</td>"))
            }
            try await client.execute(uri: "/incidents/inc_nope", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func theAssetAndRunPagesShowHistoryEvidenceAndRestores() async throws {
        let harness = try Harness()
        let (services, run) = try await BoardFixtures.services(harness)
        try await buildApplication(services: services, runScheduler: false).test(.router) { client in
            try await client.execute(uri: "/assets/orders-db", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("<h1>orders-db</h1>"))
                #expect(html.contains(#"<circle class="point passed""#), "a restore-duration point")
                #expect(html.contains(#"href="/runs/\#(run.id)""#))
            }
            try await client.execute(uri: "/assets/users-db", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("corrupted_artifact") && html.contains("<h2>Why (latest verification)</h2>"))
            }
            try await client.execute(uri: "/runs/\(run.id)", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("<h1>Run \(run.id)</h1>"))
                #expect(html.contains(#"<a href="/api/v1/runs/\#(run.id)">JSON</a>"#))
                let users = try #require(html.range(of: ">users-db</a></th>"))
                let orders = try #require(html.range(of: ">orders-db</a></th>"))
                #expect(users.lowerBound < orders.lowerBound, "failing first")
            }
            try await client.execute(uri: "/assets/nope", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/runs/run_nope", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/runs/\(run.id)", method: .get) { response in
                #expect(response.headers[.contentType] == "application/json; charset=utf-8", "JSON stays at the API")
            }
        }
    }

    @Test func theBoardShowsANewRunOnceItIsRecorded() async throws {
        let harness = try Harness()
        try await IncidentFixtures.writeHealthy(harness, asset: "orders-db")
        let services = try await harness.services(try harness.configuration(assets: IncidentFixtures.asset("orders-db")))
        _ = try await services.runner.run(VerificationRequest(trigger: .manual))
        let app = buildApplication(services: services, runScheduler: false)
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"<strong class="healthy">1</strong> healthy"#))
            }
            // The board keeps what it read over the whole record until the record moves on.
            harness.clock.advance(by: 60)
            try await IncidentFixtures.writeTruncated(harness, asset: "orders-db")
            _ = try await services.runner.run(VerificationRequest(trigger: .manual))
            try await client.execute(uri: "/", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(#"<strong class="failed">1</strong> failed"#))
                #expect(html.contains(#"<td class="cause" data-label="Cause">corrupted_artifact</td>"#))
            }
        }
    }
}
