import Foundation
import Logging

extension FailureTriage {
    /// Records a retry proposal waiting for a human instead of retrying (`recovery.approval`);
    /// a dry run only says what it would propose. The report and the tracker show the line
    /// returned, with the exact command and call that approve it.
    func propose(_ outcome: VerificationOutcome, cause: FailureCause, runID: String, logger: Logger) async -> Recovery {
        var result = Recovery()
        guard let asset = assets[outcome.asset], let argv = asset.backup.retry, !argv.isEmpty else {
            result.attempted.append("not retried: the asset has no backup.retry command")
            return result
        }
        let command = argv.joined(separator: " ")
        let why =
            recovery.isTransient(cause)
            ? "recovery.approval.required_for is all" : "\(cause.rawValue) is not a transient cause"
        if dryRun {
            let detail = "dry run: would propose `\(command)` for approval (\(why)); nothing proposed, nothing run"
            logger.notice("\(detail)", metadata: ["asset": "\(asset.name)"])
            result.attempted.append(detail)
            return result
        }
        guard let approvals else {
            logger.error("a retry needs an approval but no approval record is wired in", metadata: ["asset": "\(asset.name)"])
            result.attempted.append("not retried: a retry needs an approval, and this process cannot record one")
            return result
        }
        let now = clock.now
        let request = Approval(
            id: RecordID.make(prefix: "apr", at: now), asset: asset.name, argv: argv, cause: cause, requestedAt: now,
            expiresAt: now.addingTimeInterval(recovery.approval.timeout.seconds), runID: runID, schedule: outcome.schedule)
        do {
            let recorded = try await approvals.propose(request, reason: "\(why); run \(runID)")
            let line =
                "retry `\(command)` proposed, pending approval \(recorded.id) until \(RFC3339.format(recorded.expiresAt)) (\(why)); "
                + Approval.howToAnswer(id: recorded.id, apiBase: apiBase)
            logger.notice("retry proposed for approval", metadata: ["asset": "\(asset.name)", "approval": "\(recorded.id)"])
            result.attempted.append(line)
            result.proposal = recorded
        } catch {
            logger.error("could not record a retry proposal", metadata: ["asset": "\(asset.name)", "error": "\(error)"])
            result.attempted.append("not retried: the retry proposal could not be recorded (\(error))")
        }
        return result
    }
}
