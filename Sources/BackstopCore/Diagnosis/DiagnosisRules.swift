/// The built-in word vocabulary: per cause family, the tools' own wording, each row with a
/// strength and, for rows of one tool's grammar, that tool. The rows are data
/// (`Vocabulary/Data/*.json`, each naming its sources) compiled into `Vocabulary/*Vocabulary.swift`
/// by `scripts/generate-vocabulary`. Codes inside the text (errno, SQLSTATE, HTTP statuses…) are
/// read separately, as structured evidence (``CodeTables``, ``CodeExtractor``).
/// `Tests/Fixtures/tool-output/` holds the real outputs the vocabulary is measured on.
///
/// Table position does not decide: ``FailureClassifier`` weighs matches by strength. Only when
/// one line names two causes equally strongly does ``precedence`` pick the more specific one
/// ("403 … cap exceeded" is a quota, "lock file: Permission denied" a permission problem).
package enum DiagnosisRules {
    /// (id, cause, strength, tools, pattern). Patterns are case-insensitive and read normalised
    /// lines (see ``TextNormalizer``): single spaces, escaped newlines already split.
    package typealias Row = (String, FailureCause, DiagnosisRule.Strength, [String], String)

    package static var table: [Row] { storage + access + integrity + network }

    /// On one line, the cause named first here wins over the others of the same strength: the
    /// inner, more specific reason before the generic one that also appears in its message.
    package static let precedence: [FailureCause] = [
        .quotaExceeded, .expiredCredentials, .permissionDenied, .diskFull, .lockWait, .corruptedArtifact, .missingDependency,
        .targetDown, .networkTimeout,
    ]

    /// The table compiled; patterns are constants verified by tests, so a failure here is a bug.
    package static let builtIn: [DiagnosisRule] = table.compactMap { id, cause, strength, tools, pattern in
        try? DiagnosisRule(id: "builtin:\(id)", cause: cause, pattern: pattern, strength: strength, tools: Set(tools))
    }
}
