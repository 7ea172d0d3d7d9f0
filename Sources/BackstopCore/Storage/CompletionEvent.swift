import Foundation

/// A backup-completion event as accepted on `POST /api/v1/events` and kept in the record.
package struct CompletionEvent: Sendable, Equatable, Codable {
    package var id: String
    package var asset: String
    package var receivedAt: Date
    package var report: ToolReport

    package init(id: String, asset: String, receivedAt: Date, report: ToolReport) {
        self.id = id
        self.asset = asset
        self.receivedAt = receivedAt
        self.report = report
    }
}
