import BackstopCore
import Foundation
import Testing

/// The retry-approval record's contract, held by every backend: one answer per request, none
/// after the deadline, one retry start, and the incident and progress read from the ledger.
@Suite struct ApprovalConformanceTests {
    static let now = StoreSamples.now

    static func request(_ id: String, run: String = "run_1", asset: String = "orders-db", at: Date = now) -> Approval {
        Approval(
            id: id, asset: asset, argv: ["systemctl", "start", "backup-\(asset)"], cause: .corruptedArtifact, requestedAt: at,
            expiresAt: at.addingTimeInterval(3_600), runID: run, schedule: "nightly")
    }

    @Test(arguments: StoreBackend.allCases)
    func aRequestIsRecordedOnceAndJoinedWhileItWaits(_ backend: StoreBackend) async throws {
        let stores = try backend.make()
        defer { extendLifetime(stores) }
        let approvals = stores.approvals
        let first = try await approvals.propose(Self.request("apr_1"), reason: "corrupted_artifact is not transient")
        #expect(first.id == "apr_1" && first.state == .pendingApproval && first.decidedBy == nil && first.execution == nil)
        // The same run again (a repeated triage), or another run while it waits: the same request.
        #expect(try await approvals.propose(Self.request("apr_2"), reason: "again").id == "apr_1")
        #expect(try await approvals.propose(Self.request("apr_3", run: "run_2"), reason: "again").id == "apr_1")
        // Another asset asks on its own.
        #expect(try await approvals.propose(Self.request("apr_4", asset: "billing-db"), reason: "r").id == "apr_4")
        #expect(try await approvals.approvals(state: nil, limit: 10).map(\.id) == ["apr_4", "apr_1"])
        #expect(try await approvals.approvals(state: .pendingApproval, limit: 1).map(\.id) == ["apr_4"])
        #expect(try await approvals.approvalCounts()["requested"] == 2)

        // Once answered, a new failure asks again.
        _ = try await approvals.decide(id: "apr_1", decision: .denied, by: "bob", comment: "no", at: Self.now)
        #expect(try await approvals.propose(Self.request("apr_5", run: "run_3"), reason: "r").id == "apr_5")
    }

    @Test(arguments: StoreBackend.allCases)
    func aRequestIsAnsweredOnceAndNeverAfterItsDeadline(_ backend: StoreBackend) async throws {
        let stores = try backend.make()
        defer { extendLifetime(stores) }
        let approvals = stores.approvals
        _ = try await approvals.propose(Self.request("apr_1"), reason: "r")
        _ = try await approvals.propose(Self.request("apr_2", asset: "billing-db"), reason: "r")
        _ = try await approvals.propose(Self.request("apr_3", asset: "crm-db", at: Self.now.addingTimeInterval(600)), reason: "r")

        let approved = try await approvals.decide(id: "apr_1", decision: .approved, by: "alice", comment: "go", at: Self.now)
        #expect(approved.state == .approved && approved.decidedBy == "alice" && approved.comment == "go" && approved.decidedAt == Self.now)
        await #expect(throws: ApprovalError.alreadyDecided(id: "apr_1", state: .approved, by: "alice")) {
            try await approvals.decide(id: "apr_1", decision: .denied, by: "bob", comment: nil, at: Self.now)
        }
        await #expect(throws: ApprovalError.notFound("apr_x")) {
            try await approvals.decide(id: "apr_x", decision: .approved, by: "bob", comment: nil, at: Self.now)
        }
        // At the deadline the timeout has decided: the answer records the expiry instead.
        let late = try await approvals.decide(
            id: "apr_2", decision: .approved, by: "bob", comment: nil, at: Self.now.addingTimeInterval(3_600))
        #expect(late.state == .expired && late.decidedBy == "backstop" && late.comment == "timeout")

        // Only what is due expires.
        #expect(try await approvals.expireDue(now: Self.now.addingTimeInterval(3_900)).isEmpty)
        #expect(try await approvals.expireDue(now: Self.now.addingTimeInterval(4_200)).map(\.id) == ["apr_3"])
        #expect(try await approvals.approvalCounts() == ["requested": 3, "approved": 1, "expired": 2])
        #expect(try await approvals.approvals(state: .expired, limit: 10).map(\.id) == ["apr_3", "apr_2"])
    }

    @Test(arguments: StoreBackend.allCases)
    func anApprovedRetryStartsOnceAndFinishesWithItsLedgerMark(_ backend: StoreBackend) async throws {
        let stores = try backend.make()
        defer { extendLifetime(stores) }
        let approvals = stores.approvals
        _ = try await approvals.propose(Self.request("apr_1"), reason: "r")
        #expect(try await approvals.approvedUnfinished().isEmpty)
        _ = try await approvals.decide(id: "apr_1", decision: .approved, by: "alice", comment: nil, at: Self.now)
        #expect(try await approvals.approvedUnfinished().map(\.id) == ["apr_1"])

        #expect(try await approvals.startRetry(id: "apr_1", at: Self.now))
        #expect(try await !approvals.startRetry(id: "apr_1", at: Self.now))
        #expect(try await approvals.approvedUnfinished().map(\.execution) == [.started])

        // The incident of the asset and cause, and the mark the desk commits the outcome under.
        var change = LedgerChange()
        change.incidents = [StoreSamples.incident("inc_1")]
        let approval = try #require(try await approvals.approval(id: "apr_1"))
        try await stores.ledger.commit(change, triagedRunID: approval.finishedMark)
        #expect(try await approvals.approvedUnfinished().isEmpty)
        let finished = try #require(try await approvals.approval(id: "apr_1"))
        #expect(finished.execution == .finished && finished.incident == "inc_1")
    }
}
