/// The result of one check of one expected backup.
package struct CheckResult: Sendable, Equatable, Codable {
    package var kind: CheckKind
    package var status: CheckStatus
    package var evidence: Evidence

    package init(_ kind: CheckKind, _ status: CheckStatus, _ evidence: Evidence) {
        self.kind = kind
        self.status = status
        self.evidence = evidence
    }

    package static func passed(_ kind: CheckKind, _ message: String) -> CheckResult {
        CheckResult(kind, .passed, Evidence(message))
    }

    package static func skipped(_ kind: CheckKind, _ message: String) -> CheckResult {
        CheckResult(kind, .skipped, Evidence(message))
    }

    package static func failed(
        _ kind: CheckKind, _ message: String, expected: String? = nil, actual: String? = nil, excerpt: String? = nil
    ) -> CheckResult {
        CheckResult(kind, .failed, Evidence(message, expected: expected, actual: actual, excerpt: excerpt))
    }
}
