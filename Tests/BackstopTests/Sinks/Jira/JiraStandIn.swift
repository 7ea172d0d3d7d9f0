import Backstop
import BackstopCore
import BackstopTesting
import Foundation

extension SinkStandIn {
    /// Jira Cloud (REST v3, Basic) or Data Center (REST v2, Bearer), enforced by ``FakeJira``.
    static func jira(cloud: Bool, timeout: Duration, wrongCredentials: Bool) async throws -> SinkStandIn {
        let token = "jira-api-token"
        let wrong = "not-the-jira-token"
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
    }
}
