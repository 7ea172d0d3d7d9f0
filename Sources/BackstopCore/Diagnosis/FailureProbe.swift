/// What an active probe found about an asset's backup target (free space, permissions,
/// reachability). A finding with a cause can decide a diagnosis when nothing else does.
package struct ProbeFinding: Sendable, Equatable, Codable {
    package var cause: FailureCause?
    package var line: String

    package init(cause: FailureCause?, _ line: String) {
        self.cause = cause
        self.line = line
    }
}

/// Looks at an asset's backup target. Implementations bound their own time: a probe never
/// holds up a run.
package protocol FailureProbe: Sendable {
    func probe(_ asset: Asset) async -> [ProbeFinding]
}
