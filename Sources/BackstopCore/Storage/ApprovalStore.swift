import Foundation

/// The record of retry approvals: each request, its one decision, and the start of the retry an
/// approval let run. Append-only like the rest of the record; a second decision for a request, or
/// a second start of its retry, is refused by the store itself, so two processes answering or
/// running at once cannot both succeed.
package protocol ApprovalStore: Sendable {
    /// Records a request, unless the run already proposed a retry for the asset (a triage
    /// repeated after a crash) or a request for the asset is still pending: then that one is
    /// returned and nothing is recorded.
    func propose(_ approval: Approval, reason: String) async throws(StoreError) -> Approval
    /// Every request, newest first, optionally only those in `state`.
    func approvals(state: Approval.State?, limit: Int) async throws(StoreError) -> [Approval]
    func approval(id: String) async throws(StoreError) -> Approval?
    /// Records a decision. A pending request whose deadline passed is recorded as expired and
    /// refused, so nothing is approved late.
    func decide(
        id: String, decision: ApprovalDecision, by: String, comment: String?, at: Date
    ) async throws(ApprovalError) -> Approval
    /// Records every pending request whose deadline is at or before `now` as expired.
    func expireDue(now: Date) async throws(StoreError) -> [Approval]
    /// Approved requests whose retry has not finished (not started, or interrupted).
    func approvedUnfinished() async throws(StoreError) -> [Approval]
    /// Marks an approved request's retry started; false when it had been started already.
    func startRetry(id: String, at: Date) async throws(StoreError) -> Bool
    /// Requests, approvals, denials and expiries recorded so far, for the metrics.
    func approvalCounts() async throws(StoreError) -> [String: Int]
}

extension Approval {
    /// The triage mark that says an approved retry's outcome was committed to the ledger.
    package var finishedMark: String { "approval:\(id)" }
}
