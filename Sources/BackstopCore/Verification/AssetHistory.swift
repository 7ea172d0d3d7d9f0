import Foundation

/// What the record says about an asset's past, as verification and sampling need it.
package struct AssetHistory: Sendable, Equatable {
    /// Sizes of recent healthy artifacts, newest first.
    package var recentHealthySizes: [Int64]
    package var lastRestoreTestAt: Date?
    /// Whether the asset's most recent verification failed (or its last restore test did).
    package var lastRunFailed: Bool

    package init(recentHealthySizes: [Int64] = [], lastRestoreTestAt: Date? = nil, lastRunFailed: Bool = false) {
        self.recentHealthySizes = recentHealthySizes
        self.lastRestoreTestAt = lastRestoreTestAt
        self.lastRunFailed = lastRunFailed
    }
}
