import Backstop
import BackstopCore
import BackstopTesting
import Foundation

extension SinkStandIn {
    /// PagerDuty's Events API v2, enforced by ``FakePagerDuty``.
    static func pagerDuty(timeout: Duration, wrongCredentials: Bool) async throws -> SinkStandIn {
        let key = IncidentFixtures.routingKey
        let wrong = "ffffffffffffffffffffffffffffffff"
        let fake = try FakePagerDuty(routingKeys: [key])
        return SinkStandIn(
            faults: fake.faults, wrongSecret: wrong,
            createdCount: { incident in fake.alert(incident.dedupKey) == nil ? 0 : 1 },
            isResolved: { incident in fake.alert(incident.dedupKey)?.status == .resolved },
            runBody: { body in
                try await fake.run { url in
                    var configuration = PagerDutyConfiguration(routingKey: Secret(wrongCredentials ? wrong : key))
                    configuration.url = url
                    try await body(PagerDutySink(configuration: configuration, http: SinkHTTPClient(timeout: timeout)))
                }
            })
    }
}
