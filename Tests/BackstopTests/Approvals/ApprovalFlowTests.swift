import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Issue 20, part 1: a retry that needs a human is proposed, answered and run (or not) through
/// the real wiring: real files and restores, the SQLite record, the approval service's passes.
@Suite(.timeLimit(.minutes(5))) struct ApprovalFlowTests {
    @Test func aNonTransientFailureWithARetryCommandIsProposedAndShownWithHowToApprove() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness)
        try await services.verifyTriageAndDeliver()

        let incident = try #require(try await services.store.incidents(limit: 10, openOnly: true).first)
        #expect(incident.cause == .corruptedArtifact)
        let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
        #expect(approval.asset == "orders" && approval.action == "retry" && approval.cause == .corruptedArtifact)
        #expect(approval.incident == incident.id && approval.decidedBy == nil)
        #expect(approval.expiresAt == harness.clock.now.addingTimeInterval(3_600))
        // The report, the incident's tracker text and the board's incident page say how to approve.
        let report = try #require(try await services.store.latestReport(incidentID: incident.id)).markdown
        #expect(report.contains("pending approval \(approval.id)"))
        #expect(report.contains("`backstop approve \(approval.id)`"))
        #expect(report.contains("/api/v1/approvals/\(approval.id)/approve"))
        // The summary is what a page and a tracker issue lead with.
        #expect(incident.summary.contains("`backstop approve \(approval.id)`"))
        // Nothing ran: a proposal waits.
        #expect(ApprovalFixtures.retries(harness.directory) == 0)
        await services.approvals.pass()
        #expect(ApprovalFixtures.retries(harness.directory) == 0)
        #expect(ApprovalFixtures.approvalsTotal(services, "requested") == 1)
        #expect(ApprovalFixtures.approvalsTotal(services, "approved") == 0)
    }

    @Test func withoutARetryCommandNothingIsProposed() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness, retry: false)
        try await services.verifyTriageAndDeliver()
        let incident = try #require(try await services.store.incidents(limit: 10, openOnly: true).first)
        #expect(try await services.store.approvals(state: nil, limit: 10).isEmpty)
        let report = try #require(try await services.store.latestReport(incidentID: incident.id)).markdown
        #expect(report.contains("the asset has no backup.retry command"))
    }

    @Test func withoutApprovalsANonTransientFailureIsNeitherRetriedNorProposed() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness, requiredFor: "none")
        try await services.verifyTriageAndDeliver()
        #expect(try await services.store.approvals(state: nil, limit: 10).isEmpty)
        #expect(ApprovalFixtures.retries(harness.directory) == 0)
        #expect(ApprovalFixtures.approvalsTotal(services, "requested") == 0)
    }

    @Test func requiredForAllMakesATransientRetryWait() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness, requiredFor: "all", transient: "corrupted_artifact")
        try await services.verifyTriageAndDeliver()
        // Transient, so it would have been retried at once without `all`.
        #expect(ApprovalFixtures.retries(harness.directory) == 0)
        let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
        let incident = try #require(try await services.store.incidents(limit: 10, openOnly: true).first)
        let report = try #require(try await services.store.latestReport(incidentID: incident.id)).markdown
        #expect(report.contains("pending approval \(approval.id)") && report.contains("required_for is all"))
    }

    @Test func anApprovedRetryRunsOnceAndAHealthyReverificationResolvesTheIncident() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness, fixes: true)
        try await services.verifyTriageAndDeliver()
        let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
        let incident = try #require(approval.incident)

        let decided = try await services.store.decide(
            id: approval.id, decision: .approved, by: "alice", comment: "restore window agreed", at: harness.clock.now)
        #expect(decided.state == .approved && decided.decidedBy == "alice" && decided.comment == "restore window agreed")
        await services.approvals.pass()
        #expect(ApprovalFixtures.retries(harness.directory) == 1)
        #expect(try await services.store.incident(id: incident)?.state == .resolved)
        #expect(try await services.store.approval(id: approval.id)?.execution == .finished)
        let retry = try #require(try await services.store.recoveryAttempts(runID: approval.runID).last)
        #expect(retry.result == .recovered && retry.detail.contains("approved retry \(approval.id) (by alice)"))

        // Never twice: another pass, and another process's start, leave it alone.
        await services.approvals.pass()
        let restarted = try await harness.services(services.configuration)
        await restarted.approvals.pass()
        #expect(ApprovalFixtures.retries(harness.directory) == 1)

        // A second answer is refused, and says what the request is.
        await #expect(throws: ApprovalError.alreadyDecided(id: approval.id, state: .approved, by: "alice")) {
            try await services.store.decide(id: approval.id, decision: .approved, by: "bob", comment: nil, at: harness.clock.now)
        }
        #expect(ApprovalFixtures.approvalsTotal(services, "requested") == 1)
        #expect(ApprovalFixtures.approvalsTotal(services, "approved") == 1)
        let chains = try await services.store.verifyChains()
        #expect(chains.breaks.isEmpty)
    }

    @Test func anApprovedRetryThatStillFailsKeepsTheIncidentOpenAndUpdatesIt() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness, fixes: false)
        try await services.verifyTriageAndDeliver()
        let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
        let incident = try #require(approval.incident)
        _ = try await services.store.decide(id: approval.id, decision: .approved, by: "alice", comment: nil, at: harness.clock.now)
        await services.approvals.pass()
        #expect(ApprovalFixtures.retries(harness.directory) == 1)
        let updated = try #require(try await services.store.incident(id: incident))
        #expect(updated.state == .open && updated.occurrences == 2)
        let report = try #require(try await services.store.latestReport(incidentID: incident)).markdown
        #expect(report.contains("approved retry \(approval.id)") && report.contains("still failing (corrupted_artifact)"))
    }

    @Test func aDenialIsRecordedAndTheIncidentStaysOpen() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness)
        try await services.verifyTriageAndDeliver()
        let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
        let denied = try await services.store.decide(
            id: approval.id, decision: .denied, by: "bob", comment: "the disk is being replaced", at: harness.clock.now)
        #expect(denied.state == .denied && denied.decidedBy == "bob" && denied.decidedAt == harness.clock.now)
        await services.approvals.pass()
        #expect(ApprovalFixtures.retries(harness.directory) == 0)
        #expect(try await services.store.incident(id: try #require(approval.incident))?.state == .open)
        await #expect(throws: ApprovalError.alreadyDecided(id: approval.id, state: .denied, by: "bob")) {
            try await services.store.decide(id: approval.id, decision: .approved, by: "alice", comment: nil, at: harness.clock.now)
        }
        #expect(ApprovalFixtures.approvalsTotal(services, "denied") == 1)
        #expect(ApprovalFixtures.approvalsTotal(services, "approved") == 0)
        await #expect(throws: ApprovalError.notFound("apr_nope")) {
            try await services.store.decide(id: "apr_nope", decision: .approved, by: "alice", comment: nil, at: harness.clock.now)
        }
    }

    @Test func anUnansweredRequestExpiresEvenWhenServeWasDownAtItsDeadline() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness, timeout: "30m")
        try await services.verifyTriageAndDeliver()
        let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)

        // "serve" is down at the deadline; the next start expires it before anything else.
        harness.clock.advance(to: approval.expiresAt.addingTimeInterval(3_600))
        let restarted = try await harness.services(services.configuration)
        await restarted.approvals.pass()
        let expired = try #require(try await restarted.store.approval(id: approval.id))
        #expect(expired.state == .expired && expired.decidedBy == "backstop" && expired.comment == "timeout")
        await #expect(throws: ApprovalError.alreadyDecided(id: approval.id, state: .expired, by: "backstop")) {
            try await restarted.store.decide(id: approval.id, decision: .approved, by: "alice", comment: nil, at: harness.clock.now)
        }
        #expect(ApprovalFixtures.retries(harness.directory) == 0)
        #expect(try await restarted.store.incident(id: try #require(approval.incident))?.state == .open)
        #expect(ApprovalFixtures.approvalsTotal(restarted, "expired") == 1)
    }

    @Test func anApprovalAfterTheDeadlineIsRefusedAndRecordsTheExpiry() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness, timeout: "30m")
        try await services.verifyTriageAndDeliver()
        let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
        harness.clock.advance(to: approval.expiresAt)
        // No pass noticed the deadline yet: the decision itself does, and nothing runs late.
        let answer = try await services.store.decide(id: approval.id, decision: .approved, by: "alice", comment: nil, at: harness.clock.now)
        #expect(answer.state == .expired && answer.decidedBy == "backstop")
        await services.approvals.pass()
        #expect(ApprovalFixtures.retries(harness.directory) == 0)
    }

    @Test func aRetryInterruptedAfterItsStartIsNeverRunAgainOnlyReverified() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness, fixes: true)
        try await services.verifyTriageAndDeliver()
        let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
        _ = try await services.store.decide(id: approval.id, decision: .approved, by: "alice", comment: nil, at: harness.clock.now)
        // A kill -9 right after the start was recorded: the command may or may not have run.
        #expect(try await services.store.startRetry(id: approval.id, at: harness.clock.now))
        #expect(try await !services.store.startRetry(id: approval.id, at: harness.clock.now))

        let restarted = try await harness.services(services.configuration)
        await restarted.approvals.pass()
        #expect(ApprovalFixtures.retries(harness.directory) == 0)
        let incident = try #require(approval.incident)
        let report = try #require(try await restarted.store.latestReport(incidentID: incident)).markdown
        #expect(report.contains("interrupted by a Backstop stop") && report.contains("not run again"))
        #expect(try await restarted.store.approval(id: approval.id)?.execution == .finished)
    }

    @Test func aDryRunShowsTheProposalAndNeverRecordsOrRunsIt() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness, extra: "dry_run: true")
        try await services.verifyTriageAndDeliver()
        await services.approvals.pass()
        #expect(try await services.store.approvals(state: nil, limit: 10).isEmpty)
        #expect(ApprovalFixtures.retries(harness.directory) == 0)
        let incident = try #require(try await services.store.incidents(limit: 10, openOnly: true).first)
        let report = try #require(try await services.store.latestReport(incidentID: incident.id)).markdown
        #expect(report.contains("dry run: would propose `sh "))
    }

    @Test func aRepeatedTriageOrAStillPendingRequestProposesNothingNew() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness)
        try await services.verifyTriageAndDeliver()
        try await services.verifyTriageAndDeliver()
        let approvals = try await services.store.approvals(state: nil, limit: 10)
        #expect(approvals.count == 1)
        let first = try #require(approvals.first)
        let again = try await services.store.propose(
            Approval(
                id: "apr_other", asset: "orders", argv: first.argv, cause: first.cause, requestedAt: harness.clock.now,
                expiresAt: harness.clock.now.addingTimeInterval(60), runID: first.runID, schedule: first.schedule),
            reason: "a triage repeated after a crash")
        #expect(again.id == first.id)
        #expect(try await services.store.approvalCounts()["requested"] == 1)
    }

    @Test func theApprovalRecordIsAppendOnlyAndVerifyRecordCatchesAnEditedDecision() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness)
        try await services.verifyTriageAndDeliver()
        let approval = try #require(try await services.store.approvals(state: .pendingApproval, limit: 10).first)
        _ = try await services.store.decide(id: approval.id, decision: .denied, by: "bob", comment: "not now", at: harness.clock.now)
        let intact = try await services.store.verifyChains()
        #expect(intact.breaks.isEmpty)
        let database = services.store.database
        await #expect(throws: (any Error).self) {
            try await database.write { db in try db.execute(sql: "UPDATE approval_decisions SET decided_by = 'mallory'") }
        }
        await #expect(throws: (any Error).self) {
            try await database.write { db in try db.execute(sql: "DELETE FROM approval_requests") }
        }
        // Past the triggers (a hex editor would be): the chain no longer matches.
        try await database.write { db in
            try db.execute(sql: "DROP TRIGGER approval_decisions_append_only_update")
            try db.execute(sql: "UPDATE approval_decisions SET decision = 'approved', decided_by = 'mallory'")
        }
        let broken = try await services.store.verifyChains()
        #expect(broken.breaks.map(\.table) == ["approval_decisions"])
    }

    @Test func everyDecisionIsPreCreatedAtZeroInTheMetrics() async throws {
        let harness = try Harness()
        let services = try await ApprovalFixtures.services(harness)
        for decision in ["requested", "approved", "denied", "expired"] {
            #expect(ApprovalFixtures.approvalsTotal(services, decision) == 0, "\(decision)")
        }
    }
}
