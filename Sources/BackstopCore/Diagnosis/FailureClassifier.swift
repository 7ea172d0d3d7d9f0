import Foundation

/// Classifies tool output into one ``FailureCause`` with the lines that decided it.
///
/// The output is normalised once (``TextNormalizer``). Each line then casts one vote: its
/// strongest match, the more specific cause winning on the line itself (``DiagnosisRules/precedence``).
/// The strongest tier of votes decides when it names one cause; when it names several, a cause
/// named by the exit code wins, then an earliest root cause over later consequences (target down,
/// network), then one backed by at least twice as many distinct lines; otherwise the
/// classifier abstains with `unknown` and names the candidates. Weak (follow-on) lines never decide.
/// User rules from the configuration are checked first and decide when they match. Lines that
/// only report success match nothing and so cannot hide the failure above them.
package struct FailureClassifier: Sendable {
    package var userRules: [DiagnosisRule]
    package let builtIn: [DiagnosisRule]
    /// Which built-in rules can match a line, built once: most rules cannot match most lines.
    static let prefilter = RulePrefilter(rules: DiagnosisRules.builtIn)
    /// Evidence lines kept per diagnosis.
    package var evidenceLimit = 5

    package var rules: [DiagnosisRule] { userRules + builtIn }

    package init(userRules: [DiagnosisRule] = []) {
        self.userRules = userRules
        builtIn = DiagnosisRules.builtIn
    }

    /// Causes that often follow another failure (a server that died of a full disk is down).
    static let consequences: Set<FailureCause> = [.targetDown, .networkTimeout]

    /// The diagnosis for `output`: a cause, `unknown` with the conflicting candidates when the
    /// evidence conflicts or is only weak, or nil when no rule and no exit code says anything.
    package func classify(output: String, exitCode: Int? = nil, tool: String? = nil) -> Diagnosis? {
        let text = TextNormalizer.normalize(output)
        for rule in userRules {
            let sources = text.logical.filter { rule.matches($0.text) }.map(\.source)
            if !sources.isEmpty {
                return Diagnosis(cause: rule.cause, confidence: rule.confidence, evidence: evidence(sources, in: text), rule: rule.id)
            }
        }
        let family = ToolGrammar.family(tool: tool, lines: text.physical)
        let voter = LineVoter(rules: builtIn, prefilter: Self.prefilter, family: family)
        let votes = text.logical.compactMap(voter.vote)
        let hint = exitCode.flatMap { code in ExitCodeHints.hint(tool: family ?? tool, exitCode: code).map { (code, $0.cause, $0.meaning) }
        }
        let hintLine = hint.map { "exit code \($0.0): \($0.2)" }
        guard let tier = votes.map(\.strength).max(), tier > .weak else {
            if let hint, let hintLine {
                return Diagnosis(cause: hint.1, confidence: 0.6, evidence: [hintLine], rule: "exit-code")
            }
            return votes.isEmpty ? nil : abstain(votes, in: text, reason: "only follow-on lines, no reason given:")
        }
        let top = votes.filter { $0.strength == tier }
        // Distinct lines per cause: a retry loop printing one error forty times is one witness.
        var support: [FailureCause: Set<String>] = [:]
        for vote in top { support[vote.cause, default: []].insert(vote.text) }
        let ranked = support.sorted { ($0.value.count, LineVoter.rank($0.key)) > ($1.value.count, LineVoter.rank($1.key)) }
        var decided = ranked[0].key
        var confidence: Double
        if ranked.count == 1 {
            let contested = votes.contains { $0.cause != decided && $0.strength >= .generic }
            confidence = (tier == .specific ? 0.9 : 0.7) - (contested ? 0.1 : 0) + 0.02 * Double(min(ranked[0].value.count - 1, 3))
        } else if let hint, support[hint.1] != nil {
            decided = hint.1
            confidence = 0.6
        } else if let root = top.first?.cause, !Self.consequences.contains(root),
            support.keys.allSatisfy({ $0 == root || Self.consequences.contains($0) })
        {
            // The earliest root cause wins over what it caused: a full disk stops the server, and
            // then the dump cannot connect to it.
            decided = root
            confidence = 0.65
        } else if ranked[0].value.count >= 2 * ranked[1].value.count {
            confidence = 0.6
        } else {
            return abstain(top, in: text, reason: "conflicting evidence:")
        }
        let deciding = top.filter { $0.cause == decided }
        var lines = evidence(deciding.map(\.source), in: text)
        // Codes (errno, SQLSTATE, HTTP status…) behind the cause: structured evidence, worth a little more.
        var codes: [String] = []
        for code in deciding.flatMap(\.codes) where !codes.contains(code) { codes.append(code) }
        if !codes.isEmpty {
            lines.append("codes: " + codes.joined(separator: "; "))
            confidence += 0.03
        }
        if let hint, let hintLine, hint.1 == decided {
            confidence += 0.05
            lines.append(hintLine)
        }
        return Diagnosis(
            cause: decided, confidence: min(0.99, (confidence * 100).rounded() / 100), evidence: lines, rule: deciding[0].id)
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
        TextNormalizer.normalize(output).physical
    }

    /// `unknown`, naming each candidate cause with the first line that pointed at it.
    private func abstain(_ votes: [Vote], in text: TextNormalizer.Output, reason: String) -> Diagnosis {
        var seen = Set<FailureCause>()
        var lines = [reason]
        for vote in votes where seen.insert(vote.cause).inserted {
            lines.append("\(vote.cause.rawValue)? \(Self.clip(text.physical[vote.source]))")
        }
        return Diagnosis(cause: .unknown, confidence: 0.3, evidence: lines, rule: "abstain")
    }

    private func evidence(_ sources: [Int], in text: TextNormalizer.Output) -> [String] {
        var seen = Set<Int>()
        return sources.filter { seen.insert($0).inserted }.prefix(evidenceLimit).map { Self.clip(text.physical[$0]) }
    }

    private static func clip(_ line: String) -> String { line.count > 400 ? String(line.prefix(400)) + "…" : line }
}
