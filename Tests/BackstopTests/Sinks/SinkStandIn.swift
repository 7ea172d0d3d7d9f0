import Backstop
import BackstopCore
import BackstopTesting
import Foundation

/// A sink wired to its local stand-in, with what the conformance suite asks of the stand-in's
/// state.
struct SinkStandIn: Sendable {
    enum Kind: String, CaseIterable, Sendable, CustomStringConvertible {
        case pagerduty

        /// Whether updates become comments (PagerDuty folds them into the alert instead).
        var tracksComments: Bool { self != .pagerduty }
        var description: String { rawValue }
    }

    let faults: FaultPlan
    let wrongSecret: String
    let createdCount: @Sendable (Incident) -> Int
    let isResolved: @Sendable (Incident) -> Bool
    private let runBody: @Sendable (@Sendable (any IncidentSink) async throws -> Void) async throws -> Void

    func run(_ body: @escaping @Sendable (any IncidentSink) async throws -> Void) async throws {
        try await runBody(body)
    }

    static func make(_ kind: Kind, timeout: Duration = .seconds(10), wrongCredentials: Bool = false) async throws -> SinkStandIn {
        switch kind {
        case .pagerduty:
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
}
