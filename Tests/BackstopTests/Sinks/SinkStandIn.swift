import Backstop
import BackstopCore
import BackstopTesting
import Foundation

/// A sink wired to its local stand-in, with what the conformance suite asks of the stand-in's
/// state.
struct SinkStandIn: Sendable {
    enum Kind: String, CaseIterable, Sendable, CustomStringConvertible {
        case pagerduty
        case jira
        case jiraDataCenter = "jira-v2-bearer"
        case linear

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
        case .jira, .jiraDataCenter:
            let token = "jira-api-token"
            let wrong = "not-the-jira-token"
            let cloud = kind == .jira
            let fake = try FakeJira(
                authentication: cloud ? .basic(email: "backstop@example.com", apiToken: token) : .bearer(token: token))
            let issues = { @Sendable (incident: Incident) in
                fake.issues.filter { issue in issue.labels.contains { $0.lowercased().contains(incident.id.lowercased()) } }
            }
            return SinkStandIn(
                faults: fake.faults, wrongSecret: wrong, createdCount: { issues($0).count },
                isResolved: { incident in issues(incident).first?.status == "Done" },
                runBody: { body in
                    try await fake.run { url in
                        var configuration = JiraConfiguration(url: url, project: "OPS", token: Secret(wrongCredentials ? wrong : token))
                        configuration.api = cloud ? 3 : 2
                        configuration.issueType = "Task"
                        if cloud { configuration.email = "backstop@example.com" }
                        try await body(JiraSink(configuration: configuration, http: SinkHTTPClient(timeout: timeout)))
                    }
                })
        case .linear:
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
}
