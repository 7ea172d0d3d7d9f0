/// Diagnoses a failed backup from everything verification saw, in order of authority: the
/// backup tool's own output, the restore command's output, the failed checks, then active
/// probes of the target, then the exit code alone.
package struct OutcomeDiagnoser: Sendable {
    package var classifier: FailureClassifier
    package var probe: (any FailureProbe)?

    package init(classifier: FailureClassifier = FailureClassifier(), probe: (any FailureProbe)? = nil) {
        self.classifier = classifier
        self.probe = probe
    }

    package func diagnose(_ outcome: VerificationOutcome, asset: Asset) async -> Diagnosis {
        let findings = await probe?.probe(asset) ?? []
        var diagnosis = decide(outcome, tool: outcome.toolReport?.tool ?? asset.backup.tool, findings: findings)
        let context = findings.filter { $0.cause != diagnosis.cause }.map { "probe: \($0.line)" }
        diagnosis.evidence += context
        return diagnosis
    }

    private func decide(_ outcome: VerificationOutcome, tool: String?, findings: [ProbeFinding]) -> Diagnosis {
        let report = outcome.toolReport
        let toolCheck = outcome.check(.toolStatus)
        // When the tool's output is conflicting or only shows follow-on lines, the classifier
        // abstains; the other sources below may still decide, and if none does, the abstention
        // (with its candidates) is the answer.
        var abstained: Diagnosis?
        if let output = toolCheck?.evidence.excerpt ?? report?.output, !output.isEmpty,
            let diagnosis = classifier.classify(output: output, exitCode: report?.exitCode, tool: tool)
        {
            guard diagnosis.cause == .unknown else { return diagnosis }
            abstained = diagnosis
        }
        if let restore = outcome.check(.restore), restore.status == .failed {
            let text = [restore.evidence.message, restore.evidence.excerpt ?? ""].joined(separator: "\n")
            if let diagnosis = classifier.classify(output: text), diagnosis.cause != .unknown { return diagnosis }
        }
        for check in outcome.failedChecks where check.kind != .restore {
            // A tool's own words (restic's, borg's, an S3 error) come first when it printed any.
            if let excerpt = check.evidence.excerpt, check.kind != .toolStatus,
                let diagnosis = classifier.classify(output: excerpt, tool: tool), diagnosis.cause != .unknown
            {
                return diagnosis
            }
            if let diagnosis = classifier.classify(output: check.evidence.message), diagnosis.cause != .unknown { return diagnosis }
        }
        if let checksum = outcome.check(.checksum), checksum.status == .failed, checksum.evidence.actual != nil {
            return Diagnosis(
                cause: .corruptedArtifact, confidence: 0.9,
                evidence: [
                    checksum.evidence.message, "expected \(checksum.evidence.expected ?? "?")",
                    "actual   \(checksum.evidence.actual ?? "?")",
                ],
                rule: "check:checksum")
        }
        if let decisive = findings.first(where: { $0.cause != nil }), let cause = decisive.cause {
            return Diagnosis(cause: cause, confidence: 0.7, evidence: ["probe: \(decisive.line)"], rule: "probe")
        }
        if let size = outcome.check(.size), size.status == .failed, size.evidence.message.contains("below the minimum") {
            return Diagnosis(cause: .corruptedArtifact, confidence: 0.5, evidence: [size.evidence.message], rule: "check:size")
        }
        if let code = report?.exitCode, code != 0, let hint = ExitCodeHints.hint(tool: tool, exitCode: code) {
            return Diagnosis(cause: hint.cause, confidence: 0.6, evidence: ["exit code \(code): \(hint.meaning)"], rule: "exit-code")
        }
        if let abstained { return abstained }
        var evidence = outcome.failedChecks.map { "\($0.kind.rawValue): \($0.evidence.message)" }
        if outcome.state == .missing && (toolCheck?.status ?? .skipped) == .skipped {
            evidence.append("no artifact and no report from the backup tool: check that the backup job is scheduled and ran")
        }
        if let output = toolCheck?.evidence.excerpt {
            evidence += FailureClassifier.lines(of: output).suffix(3)
        }
        return Diagnosis(cause: .unknown, confidence: 0.2, evidence: evidence, rule: "none")
    }
}
