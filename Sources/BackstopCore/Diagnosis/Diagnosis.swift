/// The cause of one failed backup, the lines that decided it, and how sure the classifier is.
package struct Diagnosis: Sendable, Equatable, Codable {
    package var cause: FailureCause
    /// 0…1: how strongly the evidence points at the cause.
    package var confidence: Double
    /// The lines (tool output, check evidence, probe results) that decided the cause.
    package var evidence: [String]
    /// The rule that matched (`builtin:restic-locked`, `config:2`, `check:checksum`, …).
    package var rule: String

    package init(cause: FailureCause, confidence: Double, evidence: [String], rule: String) {
        self.cause = cause
        self.confidence = confidence
        self.evidence = evidence
        self.rule = rule
    }
}
