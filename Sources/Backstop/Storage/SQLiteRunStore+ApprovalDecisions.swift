import BackstopCore
import Foundation
import GRDB

extension SQLiteRunStore {
    /// ``ApprovalStore/decidedUnannounced()`` on SQLite.
    package func decidedUnannounced() async throws(StoreError) -> [Approval] {
        try await read { db in
            try ApprovalRows.load(db, where: ApprovalRows.decidedUnannounced).reversed()
        }
    }
}
