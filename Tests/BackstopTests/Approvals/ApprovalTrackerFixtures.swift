import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Incidents of the approval tests sent to the Jira or Linear fake, and the text those trackers hold.
enum ApprovalTrackerFixtures {
    static let jiraEmail = "backstop@example.com"
    static let jiraToken = "jira-secret-token"
    static let linearKey = "lin_api_s3cr3t0123456789"

    static func jira() throws -> FakeJira { try FakeJira(authentication: .basic(email: jiraEmail, apiToken: jiraToken)) }

    /// `logs:` and `incidents:` sending to Jira at `url`; writes the token file.
    static func jiraConfiguration(_ harness: Harness, url: String) throws -> String {
        try incidents(
            harness, sink: "jira", secret: ("jira-token", jiraToken),
            settings: #"{ url: "\#(url)", project: OPS, issue_type: Task, email: \#(jiraEmail), token_file: ./jira-token }"#)
    }

    /// `logs:` and `incidents:` sending to Linear at `url`; writes the key file.
    static func linearConfiguration(_ harness: Harness, url: String) throws -> String {
        try incidents(
            harness, sink: "linear", secret: ("linear-key", linearKey),
            settings: #"{ url: "\#(url)/graphql", team_id: \#(LinearTeam.standard().id), api_key_file: ./linear-key }"#)
    }

    private static func incidents(_ harness: Harness, sink: String, secret: (file: String, value: String), settings: String) throws
        -> String
    {
        _ = try harness.directory.write(secret.file, secret.value)
        return """
            logs: { sources: [{ type: file, path: "./logs/{service}.log" }] }
            incidents:
              sink: \(sink)
              report_base_url: https://backstop.example.com
              \(sink): \(settings)
            """
    }

    /// Runs `body` with services whose incidents go to the Jira fake, once the truncated backup's
    /// failure was triaged and delivered: the issue exists and its retry proposal is pending.
    static func withJira(
        _ harness: Harness, fixes: Bool = true,
        _ body: @escaping @Sendable (FakeJira, BackstopServices, Approval) async throws -> Void
    ) async throws {
        let jira = try jira()
        try await jira.run { url in
            let services = try await ApprovalFixtures.services(harness, fixes: fixes, extra: try jiraConfiguration(harness, url: url))
            try await services.verifyTriageAndDeliver()
            let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
            try await body(jira, services, approval)
        }
    }

    /// The text of a Jira rich-text value (ADF or a v2 string), blocks on their own lines.
    static func text(_ value: JSONValue?) -> String {
        guard let value else { return "" }
        if let text = value.string { return text }
        if let text = value["text"]?.string { return text }
        let separator = ["paragraph", "heading", "codeBlock"].contains(value["type"]?.string ?? "") ? "" : "\n"
        return (value["content"]?.array ?? []).map(text).joined(separator: separator)
    }

    /// Jira's comments on its only issue, as text.
    static func jiraComments(_ jira: FakeJira) -> [String] {
        (jira.issues.first?.comments ?? []).map { text($0.body) }
    }

    /// Delivers everything due, moving the clock to each next attempt, until the outbox is empty.
    static func drain(_ services: BackstopServices, clock: ManualClock) async throws {
        while let due = try await services.store.outboxStatus(now: clock.now).nextDue {
            clock.advance(to: max(due, clock.now))
            try await services.delivery.deliverDue()
        }
    }
}
