import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Issue 20, part 1: every answer to a retry proposal (approved, denied, expired) is on its
/// incident: the timeline, the report, and one comment on the tracker issue, delivered through
/// the outbox once, across restarts and tracker outages; a denial or an expiry leaves the incident
/// open. Real files and restores, the SQLite record, and the Jira and Linear fakes.
@Suite(.timeLimit(.minutes(5))) struct ApprovalTimelineTests {
    @Test func theProposalIsOnTheTrackerIssueWithHowToApprove() async throws {
        let harness = try Harness()
        try await ApprovalTrackerFixtures.withJira(harness) { jira, services, approval in
            let issue = try #require(jira.issues.first)
            let description = ApprovalTrackerFixtures.text(issue.description)
            #expect(description.contains("pending approval \(approval.id)"), "\(description)")
            #expect(description.contains("backstop approve \(approval.id)"))
            #expect(description.contains("https://backstop.example.com/api/v1/approvals/\(approval.id)/approve"))
            #expect(description.contains("backstop deny \(approval.id)"))

            // Failing again while the request waits: the comment says the same request and how to answer it.
            try await services.verifyTriageAndDeliver()
            let comments = ApprovalTrackerFixtures.jiraComments(jira)
            #expect(comments.count == 1 && comments.first?.contains("Failed again") == true, "\(comments)")
            #expect(comments.first?.contains("pending approval \(approval.id)") == true, "\(comments)")
            #expect(comments.first?.contains("backstop approve \(approval.id)") == true)
            #expect(try await services.store.approvals(state: nil, limit: 10).count == 1)
        }
    }

    @Test func aDenialIsOnTheTimelineTheReportAndTheTrackerOnceAndTheIncidentStaysOpen() async throws {
        let harness = try Harness()
        try await ApprovalTrackerFixtures.withJira(harness) { jira, services, approval in
            let incident = try #require(approval.incident)
            #expect(ApprovalTrackerFixtures.jiraComments(jira).isEmpty)

            _ = try await services.store.decide(
                id: approval.id, decision: .denied, by: "bob", comment: "the disk is being replaced", at: harness.clock.now)
            await services.approvals.pass()
            try await ApprovalTrackerFixtures.drain(services, clock: harness.clock)

            let said = "Retry approval \(approval.id) denied by bob (the disk is being replaced)"
            let events = try await services.store.events(incidentID: incident)
            let entry = try #require(events.last { $0.kind == .approval })
            #expect(entry.text.hasPrefix(said) && entry.text.contains("is not run") && entry.text.contains("stays open"), "\(entry.text)")
            let report = try #require(try await services.store.latestReport(incidentID: incident))
            #expect(report.markdown.contains(said))
            // The row is in the report's timeline table, before what was attempted.
            let row = try #require(report.markdown.range(of: said))
            let attempted = try #require(report.markdown.range(of: "## Attempted automatically"))
            #expect(row.lowerBound < attempted.lowerBound)
            #expect(report.markdown.contains("pending approval \(approval.id)"))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
            let timeline = try #require(json["timeline"] as? [[String: Any]])
            #expect(timeline.last?["kind"] as? String == "approval_denied")
            #expect((timeline.last?["text"] as? String)?.hasPrefix(said) == true)

            var comments = ApprovalTrackerFixtures.jiraComments(jira)
            #expect(comments.count == 1 && comments.first?.contains(said) == true, "\(comments)")
            #expect(comments.first?.contains("https://backstop.example.com/api/v1/incidents/\(incident)/report.md") == true)
            #expect(try await services.store.incident(id: incident)?.state == .open)
            #expect(ApprovalFixtures.retries(harness.directory) == 0)

            // Once: another pass, and a restarted process, add nothing.
            await services.approvals.pass()
            let restarted = try await harness.services(services.configuration)
            await restarted.approvals.pass()
            try await ApprovalTrackerFixtures.drain(restarted, clock: harness.clock)
            comments = ApprovalTrackerFixtures.jiraComments(jira)
            #expect(comments.count == 1, "\(comments)")
            #expect(try await restarted.store.events(incidentID: incident).filter { $0.kind == .approval }.count == 1)
            #expect(try await restarted.store.verifyChains().breaks.isEmpty)
        }
    }

    @Test func anExpiryWhileServeWasDownReachesLinearOnceAfterAnOutage() async throws {
        let harness = try Harness()
        let clock = harness.clock
        let linear = try FakeLinear(apiKey: ApprovalTrackerFixtures.linearKey, now: { clock.now })
        try await linear.run { url in
            let services = try await ApprovalFixtures.services(
                harness, timeout: "30m", extra: try ApprovalTrackerFixtures.linearConfiguration(harness, url: url))
            try await services.verifyTriageAndDeliver()
            let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
            let incident = try #require(approval.incident)
            let issue = try #require(linear.issues.first)
            #expect(issue.description?.contains("backstop approve \(approval.id)") == true)

            // Down at the deadline; Linear is down too when the next start expires it.
            clock.advance(to: approval.expiresAt.addingTimeInterval(600))
            linear.faults.setOutage(.status(500))
            let restarted = try await harness.services(services.configuration)
            await restarted.approvals.pass()
            let outageEnds = clock.now.addingTimeInterval(3_600)
            while let due = try await restarted.store.outboxStatus(now: clock.now).nextDue, due < outageEnds {
                clock.advance(to: max(due, clock.now))
                try await restarted.delivery.deliverDue()
            }
            #expect(linear.issue(issue.id)?.comments.isEmpty == true)
            #expect(try await restarted.store.outboxStatus(now: clock.now).pending == 1)

            linear.faults.setOutage(nil)
            try await ApprovalTrackerFixtures.drain(restarted, clock: clock)
            let comments = linear.issue(issue.id)?.comments.map(\.body) ?? []
            #expect(comments.count == 1, "\(comments)")
            #expect(comments.first?.contains("Retry approval \(approval.id) expired unanswered") == true, "\(comments)")
            #expect(comments.first?.contains("no answer by \(RFC3339.format(approval.expiresAt))") == true, "\(comments)")
            #expect(comments.first?.contains("stays open") == true)
            let events = try await restarted.store.events(incidentID: incident)
            #expect(events.contains { $0.kind == .approval && $0.text.contains("expired unanswered") })
            let report = try #require(try await restarted.store.latestReport(incidentID: incident)).markdown
            #expect(report.contains("Retry approval \(approval.id) expired unanswered"))
            #expect(try await restarted.store.incident(id: incident)?.state == .open)
            #expect(try await restarted.store.deadLetters(limit: 10).isEmpty)
        }
    }

    @Test func anApprovalIsOnTheTimelineAndTheTrackerBeforeTheRetrysOutcome() async throws {
        let harness = try Harness()
        try await ApprovalTrackerFixtures.withJira(harness, fixes: true) { jira, services, approval in
            let incident = try #require(approval.incident)
            _ = try await services.store.decide(
                id: approval.id, decision: .approved, by: "alice", comment: "restore window agreed", at: harness.clock.now)
            await services.approvals.pass()
            try await ApprovalTrackerFixtures.drain(services, clock: harness.clock)

            #expect(ApprovalFixtures.retries(harness.directory) == 1)
            let kinds = try await services.store.events(incidentID: incident).map(\.kind)
            let approved = try #require(kinds.firstIndex(of: .approval))
            let resolved = try #require(kinds.firstIndex(of: .resolved))
            #expect(approved < resolved, "\(kinds)")
            let comments = ApprovalTrackerFixtures.jiraComments(jira)
            #expect(comments.count == 2, "\(comments)")
            #expect(comments.first?.contains("Retry approval \(approval.id) approved by alice (restore window agreed)") == true)
            #expect(comments.first?.contains("runs sh ") == true, "\(comments)")
            #expect(comments.last?.contains("Resolved") == true)
        }
    }

    @Test func anApprovalUnderDryRunIsShownAndNeverRun() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness)
        try await services.verifyTriageAndDeliver()
        let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
        _ = try await services.store.decide(id: approval.id, decision: .approved, by: "alice", comment: nil, at: harness.clock.now)

        let configuration = try harness.configuration(
            assets: IncidentFixtures.asset("orders", retry: approval.argv),
            extra: ApprovalFixtures.recovery(requiredFor: "non_transient") + "\ndry_run: true")
        let dryRun = try await harness.services(configuration)
        await dryRun.approvals.pass()
        await dryRun.approvals.pass()
        #expect(ApprovalFixtures.retries(harness.directory) == 0)
        #expect(try await dryRun.store.approval(id: approval.id)?.execution == nil)
        let events = try await dryRun.store.events(incidentID: try #require(approval.incident))
        let entry = try #require(events.last { $0.kind == .approval })
        #expect(entry.text.contains("approved by alice") && entry.text.contains("dry run: `sh "), "\(entry.text)")
    }
}
