import Foundation

/// A retry Backstop proposed and a human approves or denies, as the record tells it: the request,
/// at most one decision (approved, denied, or expired by timeout) and, once approved, the retry.
package struct Approval: Sendable, Equatable, Codable {
    package enum State: String, Sendable, Codable, CaseIterable {
        case pendingApproval = "pending_approval"
        case approved
        case denied
        case expired
    }

    /// What an approved retry did, once `serve` ran it.
    package enum Execution: String, Sendable, Codable {
        /// Started and not finished: running now, or interrupted by a stop (never run again).
        case started
        case finished
    }

    package var id: String
    package var asset: String
    /// What would run: `retry` (the asset's `backup.retry` command).
    package var action: String
    /// The command, as proposed and as it runs once approved.
    package var argv: [String]
    package var cause: FailureCause
    package var state: State
    package var requestedAt: Date
    package var expiresAt: Date
    /// The API token's name, the local user of the CLI, or `backstop` for a timeout.
    package var decidedBy: String?
    package var decidedAt: Date?
    package var comment: String?
    /// The incident the failure opened or updated, once it is known.
    package var incident: String?
    /// The run whose failure the request came from.
    package var runID: String
    package var schedule: String
    package var execution: Execution?

    package init(
        id: String, asset: String, action: String = "retry", argv: [String], cause: FailureCause, state: State = .pendingApproval,
        requestedAt: Date, expiresAt: Date, runID: String, schedule: String
    ) {
        (self.id, self.asset, self.action, self.argv, self.cause, self.state) = (id, asset, action, argv, cause, state)
        (self.requestedAt, self.expiresAt, self.runID, self.schedule) = (requestedAt, expiresAt, runID, schedule)
    }

    enum CodingKeys: String, CodingKey {
        case id, asset, action, argv, cause, state, incident, comment, schedule, execution
        case requestedAt = "requested_at"
        case expiresAt = "expires_at"
        case decidedBy = "decided_by"
        case decidedAt = "decided_at"
        case runID = "run_id"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(asset, forKey: .asset)
        try container.encode(action, forKey: .action)
        try container.encode(argv, forKey: .argv)
        try container.encode(cause, forKey: .cause)
        try container.encode(state, forKey: .state)
        try container.encode(requestedAt, forKey: .requestedAt)
        try container.encode(expiresAt, forKey: .expiresAt)
        // Present as null while pending: clients look for the key.
        try container.encode(decidedBy, forKey: .decidedBy)
        try container.encode(decidedAt, forKey: .decidedAt)
        try container.encode(comment, forKey: .comment)
        try container.encode(incident, forKey: .incident)
        try container.encode(runID, forKey: .runID)
        try container.encode(schedule, forKey: .schedule)
        try container.encodeIfPresent(execution, forKey: .execution)
    }

    /// How to answer it, for reports, tracker comments and the CLI: the exact command and call.
    package static func howToAnswer(id: String, apiBase: String) -> String {
        "approve with `backstop approve \(id)` or `curl -X POST -H 'Authorization: Bearer $OPERATOR_TOKEN' "
            + "\(approveURL(id: id, apiBase: apiBase))` (deny: `backstop deny \(id)` or POST …/\(id)/deny)"
    }

    /// `POST` here approves it (`…/deny` denies).
    package static func approveURL(id: String, apiBase: String) -> String {
        (apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase) + "/api/v1/approvals/\(id)/approve"
    }
}

/// A human's answer to a request, or the timeout's.
package enum ApprovalDecision: String, Sendable, CaseIterable {
    case approved
    case denied
    case expired
}

/// Why a decision was refused; each says what to do instead.
package enum ApprovalError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    /// Already approved, denied or expired: a request is answered once.
    case alreadyDecided(id: String, state: Approval.State, by: String?)
    case store(String)

    package var description: String {
        switch self {
        case .notFound(let id): "no approval request with id '\(id)'; `backstop approvals list` shows them"
        case .alreadyDecided(let id, let state, let by):
            "approval request \(id) is already \(state.rawValue)\(by.map { " (by \($0))" } ?? ""); a request is answered once — "
                + "a new failure proposes a new retry"
        case .store(let message): message
        }
    }
}
