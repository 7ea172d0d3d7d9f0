import Foundation

/// One row of the classifier's table: lines matching `pattern` point at `cause`.
package struct DiagnosisRule: Sendable {
    package var id: String
    package var cause: FailureCause
    package var pattern: NSRegularExpression
    /// How much a match alone is worth (0…1): specific messages high, generic words low.
    package var confidence: Double

    /// Builds a rule from a case-insensitive pattern; throws with the regex problem.
    package init(id: String, cause: FailureCause, pattern: String, confidence: Double = 0.9) throws {
        self.id = id
        self.cause = cause
        self.pattern = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        self.confidence = confidence
    }

    func matches(_ line: String) -> Bool {
        pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
    }
}
