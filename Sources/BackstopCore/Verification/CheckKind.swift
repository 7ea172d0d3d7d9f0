/// The checks every expected backup goes through, in the order they are reported.
package enum CheckKind: String, Sendable, Codable, CaseIterable {
    case exists
    case size
    case checksum
    case toolStatus = "tool_status"
    case freshness
    case restore
}

/// How one check ended. `skipped` means the check does not apply (no checksum kept, not sampled).
package enum CheckStatus: String, Sendable, Codable {
    case passed
    case failed
    case skipped
}
