/// Why a backup failed, as far as Backstop can tell. The set is closed so metrics stay bounded.
package enum FailureCause: String, Sendable, Codable, CaseIterable {
    case diskFull = "disk_full"
    case networkTimeout = "network_timeout"
    case targetDown = "target_down"
    case permissionDenied = "permission_denied"
    case expiredCredentials = "expired_credentials"
    case corruptedArtifact = "corrupted_artifact"
    case missingDependency = "missing_dependency"
    case quotaExceeded = "quota_exceeded"
    case lockWait = "lock_wait"
    case unknown
}
