import ArgumentParser
import BackstopCore
import Foundation

/// `backstop approvals list`: retry proposals waiting for (or given) an answer.
struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals", abstract: "List retry proposals that wait for an operator (recovery.approval).",
        subcommands: [List.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List retry approvals, newest first.")

        @OptionGroup var options: GlobalOptions

        @Option(help: "Only this state: pending_approval, approved, denied or expired (default: every state).")
        var state: String?

        @Option(help: "How many to show.")
        var limit = 50

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        func validate() throws {
            if let state, Approval.State(rawValue: state) == nil {
                throw ValidationError(
                    "--state must be one of \(Approval.State.allCases.map(\.rawValue).joined(separator: ", ")), not '\(state)'")
            }
        }

        func run() async throws {
            let configuration = try options.loadConfiguration(secrets: .ifReadable)
            let store = try SQLiteRunStore(path: configuration.sqlitePath)
            let approvals = try await store.approvals(state: state.flatMap(Approval.State.init(rawValue:)), limit: limit)
            switch format {
            case .json: print(String(decoding: try JSONEncoder.api.encode(approvals), as: UTF8.self))
            case .text:
                if approvals.isEmpty { print("No retry approvals.") }
                for approval in approvals { print(ApprovalText.line(approval)) }
            }
        }
    }
}

/// `backstop approve ID` and `backstop deny ID`: answers a request as the local user. A running
/// `serve` notices the answer in the shared record within a second and runs an approved retry.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a proposed retry; `serve` runs it and verifies the asset again.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The approval id (apr_…), from `backstop approvals list`.") var id: String
    @Option(help: "Why, for the record.") var comment: String?

    func run() async throws { try await ApprovalText.decide(.approved, id: id, comment: comment, options: options) }
}

struct DenyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deny", abstract: "Deny a proposed retry; it is recorded and the incident stays open.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The approval id (apr_…), from `backstop approvals list`.") var id: String
    @Option(help: "Why, for the record.") var comment: String?

    func run() async throws { try await ApprovalText.decide(.denied, id: id, comment: comment, options: options) }
}

package enum ApprovalText {
    static func line(_ approval: Approval) -> String {
        var line =
            "\(approval.id)  \(approval.state.rawValue)  \(approval.asset)  \(approval.cause.rawValue)  "
            + "`\(approval.argv.joined(separator: " "))`  requested \(RFC3339.format(approval.requestedAt))"
        switch approval.state {
        case .pendingApproval: line += ", expires \(RFC3339.format(approval.expiresAt))"
        case .approved, .denied, .expired:
            line += ", \(approval.state.rawValue) by \(approval.decidedBy ?? "-")"
            if let at = approval.decidedAt { line += " at \(RFC3339.format(at))" }
            if let comment = approval.comment { line += " (\(comment))" }
        }
        if let incident = approval.incident { line += "  \(incident)" }
        return line
    }

    /// The local user answering: the login name of the process.
    package static var localUser: String {
        let name = ProcessInfo.processInfo.userName
        return name.isEmpty ? (ProcessInfo.processInfo.environment["USER"] ?? "uid \(getuid())") : name
    }

    static func decide(_ decision: ApprovalDecision, id: String, comment: String?, options: GlobalOptions) async throws {
        let configuration = try options.loadConfiguration(secrets: .ifReadable)
        let store = try SQLiteRunStore(path: configuration.sqlitePath)
        do {
            let approval = try await store.decide(id: id, decision: decision, by: localUser, comment: comment, at: Date())
            guard approval.state.rawValue == decision.rawValue else {
                throw ApprovalError.alreadyDecided(id: id, state: approval.state, by: approval.decidedBy)
            }
            print(line(approval))
            if decision == .approved { print("A running `backstop serve` runs the retry within seconds (or at its next start).") }
        } catch let error as ApprovalError {
            printError("Error: \(error.description)")
            throw ExitCode(1)
        }
    }
}
