import BackstopCore
import Foundation
import GRDB

extension SQLiteRunStore {
    /// Answered approvals not yet on their incident (no ``Approval/decisionMark``), oldest first:
    /// answered in this process, by the CLI in another, or while no `serve` ran. An approval
    /// whose retry already finished is left out: it was answered before answers were shown
    /// (a store of an older version), and its retry's outcome is on the incident already.
    package func decidedUnannounced() async throws(StoreError) -> [Approval] {
        try await read { db in
            try ApprovalRows.load(
                db,
                where: """
                    d.decision IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM triaged_runs m WHERE m.run_id = 'approval-decision:' || r.id)
                      AND NOT (d.decision = 'approved' AND EXISTS (SELECT 1 FROM triaged_runs f WHERE f.run_id = 'approval:' || r.id))
                    """
            ).reversed()
        }
    }
}
