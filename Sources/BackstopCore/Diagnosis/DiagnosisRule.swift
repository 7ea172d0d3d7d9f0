import Foundation

/// One row of the classifier's vocabulary: lines matching `pattern` point at `cause`, with a
/// strength that says how much such a line is worth on its own.
package struct DiagnosisRule: Sendable {
    /// How much a matching line proves. The classifier decides by strength, not table position,
    /// so a wrapper line ("Is borg working on the server?") never outvotes the reason next to it.
    package enum Strength: Int, Sendable, Comparable {
        /// A follow-on or wrapper line: shows that something failed, never decides alone.
        case weak = 1
        /// A generic word for the cause ("timeout", "403", "corrupt"): decides only when uncontested.
        case generic = 2
        /// The tool's, the OS's or the API's own name for the cause (an errno, a SQLSTATE, an S3 code).
        case specific = 3

        package static func < (lhs: Strength, rhs: Strength) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    package var id: String
    package var cause: FailureCause
    package var pattern: NSRegularExpression
    /// How much a match alone is worth (0…1), used for user rules, which decide when they match.
    package var confidence: Double
    package var strength: Strength
    /// The tool grammars (``ToolGrammar`` families) this rule belongs to; empty for every tool.
    package var tools: Set<String>

    /// Builds a rule from a case-insensitive pattern; throws with the regex problem.
    package init(
        id: String, cause: FailureCause, pattern: String, confidence: Double = 0.9, strength: Strength = .specific, tools: Set<String> = []
    ) throws {
        self.id = id
        self.cause = cause
        self.pattern = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        self.confidence = confidence
        self.strength = strength
        self.tools = tools
    }

    /// Whether the rule is read for output of `family` (nil: the tool is not known, every rule is read).
    func applies(to family: String?) -> Bool {
        guard let family, !tools.isEmpty else { return true }
        return !tools.isDisjoint(with: ToolGrammar.grammars(of: family))
    }

    func matches(_ line: String) -> Bool {
        pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
    }
}
