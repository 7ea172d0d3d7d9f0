/// Where an expected backup stands after verification.
package enum BackupState: String, Sendable, Codable {
    /// Every check passed.
    case healthy
    /// An artifact arrived but at least one check failed.
    case failed
    /// Nothing arrived since the window opened: a backup that never ran.
    case missing
    /// The asset's schedule has not had a window yet, so nothing is expected.
    case noWindowYet = "no_window_yet"

    /// Whether this state counts as a failed backup.
    package var isFailure: Bool { self == .failed || self == .missing }
}
