import BackstopCore
import Foundation

/// The human summary of a run printed by `backstop verify`: failures first, with their evidence.
enum RunText {
    static func render(_ run: VerificationRun) -> String {
        let failed = run.failedOutcomes.count
        var text = "Run \(run.id) (\(run.trigger.kind)): "
        text += failed == 0 ? "all \(run.outcomes.count) backups healthy\n\n" : "\(failed) of \(run.outcomes.count) backups failed\n\n"
        let ordered = run.outcomes.sorted { rank($0.state) < rank($1.state) || (rank($0.state) == rank($1.state) && $0.asset < $1.asset) }
        let width = max(8, (run.outcomes.map(\.asset.count).max() ?? 0) + 2)
        for outcome in ordered {
            let label = outcome.state == .healthy ? "ok" : outcome.state.rawValue.uppercased()
            text +=
                label.padding(toLength: 9, withPad: " ", startingAt: 0)
                + outcome.asset.padding(toLength: width, withPad: " ", startingAt: 0)
            if outcome.state.isFailure {
                text += "\n"
                for check in outcome.failedChecks {
                    text += "    \(check.kind.rawValue): \(check.evidence.message)\n"
                    if let expected = check.evidence.expected { text += "      expected: \(expected)\n" }
                    if let actual = check.evidence.actual { text += "      actual:   \(actual)\n" }
                    if let excerpt = check.evidence.excerpt {
                        let lines = excerpt.split(separator: "\n", omittingEmptySubsequences: false).suffix(8)
                        text += lines.map { "      | \($0)\n" }.joined()
                    }
                }
            } else {
                var facts: [String] = []
                if let artifact = outcome.artifact { facts.append(ByteSize.format(artifact.sizeBytes)) }
                if let restore = run.restoreTests.first(where: { $0.asset == outcome.asset }) {
                    facts.append(String(format: "restored in %.1fs", restore.durationSeconds))
                }
                if outcome.late { facts.append("late") }
                if outcome.state == .noWindowYet { facts.append("schedule has not had a window yet") }
                text += facts.joined(separator: ", ") + "\n"
            }
        }
        return text
    }

    private static func rank(_ state: BackupState) -> Int {
        switch state {
        case .failed: 0
        case .missing: 1
        case .noWindowYet: 2
        case .healthy: 3
        }
    }
}
