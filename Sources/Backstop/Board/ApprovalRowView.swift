import BackstopCore
import Foundation

/// One retry approval on an incident's page: what would run, its state, and while it waits,
/// the exact command and call that answer it.
struct ApprovalRowView: Sendable {
    var id: String
    var state: String
    var command: String
    var requested: TimeView
    /// "expires …" while pending; "by alice (why)" once answered.
    var detail: String
    var pending: Bool
    var approveCommand: String
    var approveCall: String
    var denyCommand: String

    init(_ approval: Approval, apiBase: String, now: Date) {
        id = approval.id
        state = approval.state.rawValue
        command = approval.argv.joined(separator: " ")
        requested = TimeView(approval.requestedAt, now: now)
        pending = approval.state == .pendingApproval
        if pending {
            detail = "expires \(RFC3339.format(approval.expiresAt)) unless answered"
        } else {
            detail = "by \(approval.decidedBy ?? "-")" + (approval.comment.map { " (\($0))" } ?? "")
            if approval.state == .approved { detail += approval.execution == .finished ? "; retry ran" : "; retry pending in serve" }
        }
        approveCommand = "backstop approve \(approval.id)"
        denyCommand = "backstop deny \(approval.id)"
        approveCall = "POST \(Approval.approveURL(id: approval.id, apiBase: apiBase)) (operator token)"
    }
}

extension SQLiteRunStore {
    /// The approvals that belong to one incident, newest first.
    func approvals(incidentID: String, asset: String) async throws(StoreError) -> [Approval] {
        try await read { db in try ApprovalRows.load(db, where: "r.asset = ?", arguments: [asset]) }.filter { $0.incident == incidentID }
    }
}

extension Configuration {
    /// Where operators reach the API, for the approve calls shown in reports and on the board:
    /// `incidents.report_base_url` when set (the address people use), else the listen address.
    var apiBase: String { incidents.reportBaseURL ?? "http://\(listenHost):\(listenPort)" }
}
