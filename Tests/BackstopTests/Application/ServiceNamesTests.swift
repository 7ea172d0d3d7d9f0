import Backstop
import BackstopTesting
import Testing

/// swift-service-lifecycle names each service with `"\(service)"` when `serve` starts: the
/// background services describe themselves in a few words, not as a dump of the configuration
/// they hold (at 10,000 assets the dump took most of serve's start).
@Suite struct ServiceNamesTests {
    @Test func backgroundServicesAreNamedWithoutTheirConfiguration() async throws {
        let harness = try Harness()
        let services = try await harness.services(try harness.configuration(assets: MetricsTests.assets))
        defer { withExtendedLifetime(harness) {} }
        let background: [Any] = [
            services.events, services.triage, services.alerts, services.delivery, services.approvals, services.watcher,
            SchedulerService(services: services),
        ]
        for service in background {
            let name = "\(service)"  // as ServiceGroupConfiguration.ServiceConfiguration names it
            #expect(!name.contains("orders-db"), "\(name.prefix(200))")
            #expect(name.count < 60, "\(name.prefix(200))")
        }
    }
}
