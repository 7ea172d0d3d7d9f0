import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

// The time limit is five minutes: alone the suite takes under a second, but a loaded machine
// running the whole suite (CPU-bound tests starving the two cooperative threads) once
// took 165 s to verify the event.
/// A NUL character accepted from outside is stored exactly as accepted and hashed, so the
/// record's chains stay intact (SQLite used to cut the text at the NUL, and verify-record then
/// reported tampering forever).
@Suite(.timeLimit(.minutes(5))) struct NULCharacterTests {
    @Test func anEventsOutputWithNULIsStoredExactlyAndTheRecordStaysIntact() async throws {
        let harness = try Harness()
        try harness.fixtures.setModified(try await harness.fixtures.gzip("backups/orders.sql.gz"), to: Harness.backupTime)
        let services = try await harness.services(try harness.configuration(assets: HTTPTests.assets))
        let output = "a\u{0}b: No space left on device"
        try await buildApplication(services: services, runScheduler: false).test(.live) { client in
            let body = #"{"asset": "orders-db", "status": "failure", "exit_code": 1, "output": "a\u0000b: No space left on device"}"#
            try await client.execute(uri: "/api/v1/events", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .accepted)
            }
            let run = try #require(await harness.runs.next())
            #expect(run.outcome("orders-db")?.check(.toolStatus)?.evidence.excerpt == output)
            let stored = try #require(try await services.store.run(id: run.id))
            #expect(stored.outcome("orders-db")?.check(.toolStatus)?.evidence.excerpt == output, "the value round-trips")
        }
        let verification = try await services.store.verifyChains()
        #expect(verification.breaks.isEmpty, "\(verification.breaks)")
        #expect(verification.rows > 0)
    }

    @Test func anAlertGroupKeyOfNULIsStoredExactlyAndTheRecordStaysIntact() async throws {
        let harness = try Harness()
        _ = try harness.directory.write("webhook-token", AlertWebhookTests.token + "\n")
        let services = try await harness.services(
            try harness.configuration(
                assets: IncidentFixtures.asset("orders"),
                extra: "webhook: { bearer_token_file: ./webhook-token, alert_mapping: { jobs: { pgbackrest: orders } } }"))
        let body = AlertWebhookTests.body(alerts: [("firing", AlertWebhookTests.pgbackrestLabels, [:])], groupKey: "\u{0}")
        #expect(body.contains(#""groupKey":"\u0000""#))
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(AlertWebhookTests.token)"
            try await client.execute(uri: "/api/v1/alerts", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
        }
        let notifications = try await services.store.untriagedNotifications()
        #expect(notifications.notifications.map(\.groupKey) == ["\u{0}"], "the value round-trips")
        #expect(notifications.unreadable.isEmpty)
        let verification = try await services.store.verifyChains()
        #expect(verification.breaks.isEmpty, "\(verification.breaks)")
    }
}
