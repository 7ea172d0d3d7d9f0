/// One line's vote in ``FailureClassifier``: the cause its strongest match names.
struct Vote: Sendable {
    var cause: FailureCause
    var strength: DiagnosisRule.Strength
    /// The word rule (`builtin:lock-repository`) or code (`code:sqlstate:28P01`) that decided it.
    var id: String
    /// The normalised line.
    var text: String
    /// Index of the physical line, for the evidence.
    var source: Int
    /// The codes on the line that name the same cause ("SQLSTATE 28P01 invalid_password").
    var codes: [String]
}

/// Reads one line against the word rules of the tool's grammar and the codes printed on it, and
/// keeps the strongest. On a tie of strength the tool's own grammar wins, then the more specific
/// cause (``DiagnosisRules/precedence``: "[050] unable to acquire lock …: Permission denied" is a
/// permission problem), then a code (the structured reason) over words.
/// A neutral rule (cause `unknown`) that wins its line claims it: the line casts no vote.
struct LineVoter: Sendable {
    var rules: [DiagnosisRule]
    /// Finds the rules that match a line (built once for the built-in table).
    var prefilter: RulePrefilter
    /// The ``ToolGrammar`` family of the output, nil when not known.
    var family: String?

    private struct Candidate {
        var cause: FailureCause
        var strength: DiagnosisRule.Strength
        var id: String
        var ownGrammar: Bool
        var isCode: Bool
    }

    func vote(_ line: TextNormalizer.Line) -> Vote? {
        var best: Candidate?
        func consider(_ candidate: Candidate) {
            if let current = best, !beats(candidate, current) { return }
            best = candidate
        }
        for index in prefilter.matchingRules(line.text) {
            let rule = rules[index]
            guard rule.applies(to: family) else { continue }
            consider(
                Candidate(
                    cause: rule.cause, strength: rule.strength, id: rule.id, ownGrammar: family != nil && !rule.tools.isEmpty, isCode: false
                ))
        }
        let codes = CodeExtractor.codes(in: line.text)
        for found in codes {
            guard let verdict = found.entry?.verdict else { continue }
            consider(
                Candidate(
                    cause: verdict.cause, strength: verdict.strength, id: "code:\(found.kind.rawValue):\(found.code)", ownGrammar: false,
                    isCode: true))
        }
        guard let best, best.cause != .unknown else { return nil }
        let backing = codes.filter { $0.entry?.verdict?.cause == best.cause }.map(\.description)
        return Vote(cause: best.cause, strength: best.strength, id: best.id, text: line.text, source: line.source, codes: backing)
    }

    private func beats(_ candidate: Candidate, _ current: Candidate) -> Bool {
        if candidate.strength != current.strength { return candidate.strength > current.strength }
        if candidate.ownGrammar != current.ownGrammar { return candidate.ownGrammar }
        if candidate.cause != current.cause { return Self.rank(candidate.cause) > Self.rank(current.cause) }
        return candidate.isCode && !current.isCode
    }

    /// Higher is more specific (earlier in ``DiagnosisRules/precedence``).
    static func rank(_ cause: FailureCause) -> Int {
        DiagnosisRules.precedence.count - (DiagnosisRules.precedence.firstIndex(of: cause) ?? DiagnosisRules.precedence.count)
    }
}
