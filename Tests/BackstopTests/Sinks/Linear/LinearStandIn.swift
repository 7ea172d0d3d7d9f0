import Backstop
import BackstopCore
import BackstopTesting
import Foundation

extension SinkStandIn {
    /// Linear's GraphQL API, enforced by ``FakeLinear``.
    static func linear(timeout: Duration, wrongCredentials: Bool) async throws -> SinkStandIn {
        let key = "lin_api_0123456789abcdef"
        let wrong = "lin_api_wrong_key_000"
        let fake = try FakeLinear(apiKey: key)
        let issue = { @Sendable (incident: Incident) in
            incident.references[.linear].flatMap { fake.issue($0.id) }
        }
        return SinkStandIn(
            faults: fake.faults, wrongSecret: wrong, createdCount: { incident in issue(incident) == nil ? 0 : fake.issues.count },
            isResolved: { incident in issue(incident)?.stateType == "completed" },
            runBody: { body in
                try await fake.run { url in
                    var configuration = LinearConfiguration(
                        teamID: LinearTeam.standard().id, apiKey: Secret(wrongCredentials ? wrong : key))
                    configuration.url = url + "/graphql"
                    try await body(LinearSink(configuration: configuration, http: SinkHTTPClient(timeout: timeout)))
                }
            })
    }
}
