import Foundation

/// How log lines are recognised as signals. Patterns follow what services and their
/// supervisors print: PostgreSQL ("still waiting for ShareLock", "database system is ready"),
/// systemd ("Started", "Main process exited", "Scheduled restart job"), deploy tools, and
/// the usual error words. Case-insensitive.
package enum SignalRules {
    static let lockWait = regex(
        #"still waiting for \w*lock|acquired \w*lock after|lock wait|waiting for (a |the )?lock|deadlock|lock timeout|could not obtain lock|canceling statement due to lock timeout|blocked by process|process \d+ waits for"#
    )
    static let restart = regex(
        #"\b(starting|started|restarting|restarted|stopping|stopped|shutting down|shutdown complete|exited|terminated|killed)\b|received (sigterm|sigint|signal|fast shutdown request|smart shutdown request)|database system is (ready|shut down)|main process exited|scheduled restart job|oom[- ]kill"#
    )
    static let deploy = regex(
        #"\bdeploy(ed|ing|ment)?\b|rolling (out|update)|rolled out|\brelease[d]? v?\d|new version|\bupgrad(e|ed|ing)\b|\bmigrat(e|ed|ion|ing)\b|image .* pulled"#
    )
    static let error = regex(
        #"\b(error|errors|fatal|panic|exception|failed|failure|denied|refused|timed out|could not|unable to|cannot)\b"#
    )
    static let errorLevels: Set<String> = ["error", "err", "crit", "critical", "fatal", "alert", "emerg", "emergency", "panic"]

    /// Constant patterns; that each compiles is checked by the correlator's tests.
    static func regex(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    package static var allCompile: Bool { [lockWait, restart, deploy, error].allSatisfy { $0 != nil } }

    static func matches(_ expression: NSRegularExpression?, _ text: String) -> Bool {
        expression?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func kinds(of line: LogLine) -> [LogSignal.Kind] {
        var kinds: [LogSignal.Kind] = []
        if matches(lockWait, line.text) { kinds.append(.lockWait) }
        if matches(restart, line.text) { kinds.append(.restart) }
        if matches(deploy, line.text) { kinds.append(.deploy) }
        if line.level.map({ errorLevels.contains($0.lowercased()) }) == true || matches(error, line.text) { kinds.append(.error) }
        return kinds
    }
}
