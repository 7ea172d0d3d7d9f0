import Foundation

/// A backup file found on disk for an expected backup.
package struct Artifact: Sendable, Equatable, Codable {
    package var path: String
    package var sizeBytes: Int64
    package var modifiedAt: Date

    package init(path: String, sizeBytes: Int64, modifiedAt: Date) {
        self.path = path
        self.sizeBytes = sizeBytes
        self.modifiedAt = modifiedAt
    }
}
