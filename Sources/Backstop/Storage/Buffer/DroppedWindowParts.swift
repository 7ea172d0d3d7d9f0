import BackstopCore
import Foundation

/// What a drain left out of one buffered scheduled run: the assets of its window that a run
/// already in PostgreSQL had verified (another replica's, verified while this one could not
/// claim, or this replica's own from before the outage). Each (asset, window) stays verified
/// once in the record; the run already there is the verdict for those assets.
package struct DroppedWindowParts: Sendable, Equatable {
    package var runID: String
    package var schedule: String
    package var windowStart: Date
    package var assets: [String]
    /// False when every asset of the run was held already, so the run itself is not stored.
    package var runKept: Bool
}

extension VerificationRun {
    /// This run without the outcomes, diagnoses, checks and restore tests of `held` parts;
    /// its status is worked out again from what is left (as the runner does). Nil when
    /// nothing is left: every asset it verified is verified in the record already.
    func without(_ held: Set<WindowPart>) -> VerificationRun? {
        guard case .schedule = trigger, status != .aborted else { return self }
        let dropped = Set(
            outcomes.filter { outcome in
                outcome.window.map { held.contains(WindowPart(schedule: outcome.schedule, windowStart: $0.start, asset: outcome.asset)) }
                    ?? false
            }.map(\.asset))
        guard !dropped.isEmpty else { return self }
        var kept = self
        kept.outcomes.removeAll { dropped.contains($0.asset) }
        kept.restoreTests.removeAll { dropped.contains($0.asset) }
        guard !kept.outcomes.isEmpty else { return nil }
        kept.status = kept.outcomes.contains { $0.state.isFailure } ? .failed : .healthy
        return kept
    }
}
