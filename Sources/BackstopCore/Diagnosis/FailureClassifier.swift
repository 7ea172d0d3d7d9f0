import Foundation

/// Classifies tool output into one ``FailureCause`` with the lines that decided it.
///
/// Every line is checked against every rule; the first rule in table order that matches any
/// line decides (user rules from the configuration come before the built-in table). Lines that
/// only report success ("Backup successful" printed by a wrapper after a failure) match nothing
/// and so cannot hide the failure above them.
package struct FailureClassifier: Sendable {
    package var rules: [DiagnosisRule]
    /// Evidence lines kept per diagnosis.
    package var evidenceLimit = 5

    package init(userRules: [DiagnosisRule] = []) {
        rules = userRules + DiagnosisRules.builtIn
    }

    /// The diagnosis for `output`, or nil when no rule and no exit code says anything.
    package func classify(output: String, exitCode: Int? = nil, tool: String? = nil) -> Diagnosis? {
        let lines = Self.lines(of: output)
        var decided: (rule: DiagnosisRule, lines: [String])?
        var otherCauses = Set<FailureCause>()
        for rule in rules {
            let matching = lines.filter(rule.matches)
            guard !matching.isEmpty else { continue }
            if let decided {
                // Only other lines pointing elsewhere make the verdict less certain; the deciding
                // line also matching a more generic rule ("lock timeout" is a timeout) does not.
                let elsewhere = matching.contains { !decided.lines.contains($0) }
                if rule.cause != decided.rule.cause && elsewhere { otherCauses.insert(rule.cause) }
            } else {
                decided = (rule, matching)
            }
        }
        let hint = exitCode.flatMap { ExitCodeHints.hint(tool: tool, exitCode: $0) }
        guard let decided else {
            guard let hint, let exitCode else { return nil }
            return Diagnosis(
                cause: hint.cause, confidence: 0.6, evidence: ["exit code \(exitCode): \(hint.meaning)"], rule: "exit-code")
        }
        var confidence = decided.rule.confidence + 0.02 * Double(min(decided.lines.count - 1, 5))
        if !otherCauses.isEmpty { confidence *= 0.85 }
        if let hint, hint.cause == decided.rule.cause { confidence += 0.05 }
        var evidence = Array(Self.unique(decided.lines).prefix(evidenceLimit))
        if let hint, let exitCode, hint.cause == decided.rule.cause { evidence.append("exit code \(exitCode): \(hint.meaning)") }
        return Diagnosis(
            cause: decided.rule.cause, confidence: min(0.99, (confidence * 100).rounded() / 100), evidence: evidence,
            rule: decided.rule.id)
    }

    /// Like ``classify(output:exitCode:tool:)`` but always answers: `unknown` with the last lines.
    package func diagnose(output: String, exitCode: Int? = nil, tool: String? = nil) -> Diagnosis {
        if let diagnosis = classify(output: output, exitCode: exitCode, tool: tool) { return diagnosis }
        let tail = Self.lines(of: output).suffix(3)
        var evidence = tail.isEmpty ? ["no output to classify"] : ["no known failure message; last lines:"] + tail
        if let exitCode { evidence.append("exit code \(exitCode)") }
        return Diagnosis(cause: .unknown, confidence: 0.2, evidence: evidence, rule: "none")
    }

    static func lines(of output: String) -> [String] {
        output.split(whereSeparator: \.isNewline).suffix(5_000).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func unique(_ lines: [String]) -> [String] {
        var seen = Set<String>()
        return lines.filter { seen.insert($0).inserted }.map { $0.count > 400 ? String($0.prefix(400)) + "…" : $0 }
    }
}
