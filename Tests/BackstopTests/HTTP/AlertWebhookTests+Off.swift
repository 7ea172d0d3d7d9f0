import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The webhook is off unless configured.
extension AlertWebhookTests {
    @Test func withoutAWebhookSectionTheRouteSaysHowToEnableIt() async throws {
        let harness = try Harness()
        let services = try await harness.services(try harness.configuration(assets: IncidentFixtures.asset("orders")))
        try await buildApplication(services: services, runScheduler: false, runBackgroundServices: false).test(.router) { client in
            try await post(client, Self.body(alerts: [("firing", Self.pgbackrestLabels, [:])])) {
                #expect($0.status == .notFound)
                #expect(String(buffer: $0.body).contains("add a `webhook:` section"))
            }
        }
    }
}
