import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The real `backstop serve`, the real CLI and the Jira fake: a denial given with `backstop deny`
/// while serve lies dead after a kill -9 reaches the tracker issue as one comment, although the
/// next serve is killed again the moment Jira accepted that comment.
@Suite(.timeLimit(.minutes(5))) struct ApprovalServeTimelineTests {
    @Test func aDenialGivenWhileServeIsDeadIsCommentedOnceAcrossKills() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let jira = try ApprovalTrackerFixtures.jira()
        try await jira.run { url in
            let setup = try await ApprovalServeTests.setUp(port: try FreePort.find())
            _ = try setup.directory.write("jira-token", ApprovalTrackerFixtures.jiraToken)
            let config = try String(contentsOfFile: setup.config, encoding: .utf8)
            _ = try setup.directory.write(
                "backstop.yml",
                config + """

                    incidents:
                      sink: jira
                      report_base_url: http://backstop.test
                      delivery: { timeout: 3s }
                      jira: { url: "\(url)", project: OPS, issue_type: Task, email: \(ApprovalTrackerFixtures.jiraEmail), token_file: ./jira-token }
                    """)

            let first = try ApprovalServeTests.serve(setup)
            try #require(
                await first.waitForLine(containing: "retry proposed for approval", within: .seconds(90)) != nil,
                "\(first.recentLines.joined(separator: "\n"))")
            _ = await jira.received.next { $0.method == "POST" && $0.path.hasSuffix("/issue") && $0.accepted }
            first.kill()
            let approval = try #require(try await setup.store.approvals(state: .pendingApproval, limit: 10).first)
            let incident = try #require(approval.incident)
            let denied = try await ApprovalServeTests.cli(["deny", approval.id, "--comment", "host is being rebuilt"], setup)
            #expect(denied.status == 0, "\(denied.output)")

            // Killed as soon as Jira took the denial's comment: its answer may never have been recorded.
            let denial = { ApprovalTrackerFixtures.jiraComments(jira).filter { $0.contains("Retry approval \(approval.id)") } }
            let second = try ApprovalServeTests.serve(setup)
            while await jira.received.next(where: { $0.method == "POST" && $0.path.hasSuffix("/comment") && $0.accepted }) != nil {
                if !denial().isEmpty { break }
            }
            second.kill()
            #expect(denial().count == 1, "Jira took the denial's comment before the kill")

            let third = try ApprovalServeTests.serve(setup)
            while try await setup.store.outboxStatus(now: Date()).pending > 0 {
                guard await third.waitForLine(containing: "outbox drained") != nil else {
                    Issue.record("serve exited before delivering: \(third.recentLines.joined(separator: "\n"))")
                    break
                }
            }
            await third.terminateAndWait()

            let comments = denial()
            #expect(comments.count == 1, "\(comments)")
            #expect(comments.first?.contains("denied by \(ApprovalText.localUser) (host is being rebuilt)") == true, "\(comments)")
            #expect(try await setup.store.incident(id: incident)?.state == .open)
            #expect(try await setup.store.events(incidentID: incident).filter { $0.kind == .approval }.count == 1)
            #expect(ApprovalFixtures.retries(setup.directory) == 0)
            let verified = try await ApprovalServeTests.cli(["verify-record"], setup)
            #expect(verified.status == 0, "\(verified.output)")
        }
    }
}
