/// The built-in vocabulary: per cause family, the tools' own wording and the standard codes
/// (errno, SQLSTATE, MySQL error numbers, HTTP statuses, S3/GCS/Azure error codes), each with a
/// strength. The families live in `Vocabulary/`, each naming the sources its patterns come from;
/// `Tests/Fixtures/tool-output/` holds the real outputs they are measured on.
///
/// Table position does not decide: ``FailureClassifier`` weighs matches by strength. Only when
/// one line names two causes equally strongly does ``precedence`` pick the more specific one
/// ("403 … cap exceeded" is a quota, "lock file: Permission denied" a permission problem).
package enum DiagnosisRules {
    /// (id, cause, strength, pattern). Patterns are case-insensitive and read normalised lines
    /// (see ``TextNormalizer``): single spaces, escaped newlines already split.
    package typealias Row = (String, FailureCause, DiagnosisRule.Strength, String)

    package static var table: [Row] { storage + access + integrity + network }

    /// On one line, the cause named first here wins over the others of the same strength: the
    /// inner, more specific reason before the generic one that also appears in its message.
    package static let precedence: [FailureCause] = [
        .quotaExceeded, .expiredCredentials, .permissionDenied, .diskFull, .lockWait, .corruptedArtifact, .missingDependency,
        .targetDown, .networkTimeout,
    ]

    /// An HTTP status only where it reads as one ("HTTP 403", "status code: 403", "StatusCode: 403",
    /// "Error 403", "403 Forbidden", "Stat: 401"), so counts like "processed 403 files" do not match.
    static func status(_ code: Int) -> String {
        let reasons = [
            401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 408: "Request Time-?out", 429: "Too Many Requests",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Time-?out", 507: "Insufficient Storage",
        ]
        return
            #"(?:HTTP(?:/[\d.]+)?|status(?: ?code)?|code|error|exception|response)[ :=]*\(?\#(code)\b|\(\#(code)[ )]|\b\#(code) \(?\#(reasons[code] ?? "")|:\s?\#(code)(?::|\s*$)"#
    }

    /// The table compiled; patterns are constants verified by tests, so a failure here is a bug.
    package static let builtIn: [DiagnosisRule] = table.compactMap { id, cause, strength, pattern in
        try? DiagnosisRule(id: "builtin:\(id)", cause: cause, pattern: pattern, strength: strength)
    }
}
