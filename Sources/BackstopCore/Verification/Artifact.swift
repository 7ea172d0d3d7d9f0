import Foundation

/// The backup found for an expected backup: a file, a snapshot, an archive or an object.
package struct Artifact: Sendable, Equatable, Codable {
    /// Files: the path. Others: where it is, as the tool would name it
    /// (`/srv/borg/home::home-2026-12-04`, `s3://backups/orders/…`).
    package var path: String
    /// Files: the size on disk. Snapshots and archives: their restore size.
    package var sizeBytes: Int64
    /// When the backup was made (file mtime, snapshot or archive time, object Last-Modified).
    package var modifiedAt: Date
    /// What the tool restores by: a restic snapshot ID, a borg archive name, an S3 key. nil for
    /// files (their path is enough); omitted from the record then, so older rows hash as stored.
    package var reference: String?

    package init(path: String, sizeBytes: Int64, modifiedAt: Date, reference: String? = nil) {
        self.path = path
        self.sizeBytes = sizeBytes
        self.modifiedAt = modifiedAt
        self.reference = reference
    }
}
