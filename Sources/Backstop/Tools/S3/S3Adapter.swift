import BackstopCore
import Foundation

/// S3-compatible object stores. The configuration parser does not accept `type: s3` yet.
package struct S3Adapter: BackupAdapter {
    package init() {}

    package func locate(_ backup: BackupSpec, window: BackupWindow?, now: Date) async throws(InspectionError) -> Artifact? {
        throw InspectionError("s3 backups are not supported by this build")
    }
}
