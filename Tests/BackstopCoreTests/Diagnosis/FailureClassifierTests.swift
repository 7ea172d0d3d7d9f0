import BackstopCore
import Foundation
import Testing

/// Messy real-world shapes: the cause in the middle, misleading words, wrappers that lie.
@Suite struct FailureClassifierTests {
    let classifier = FailureClassifier()

    @Test(arguments: [
        (
            "lock inside a permission error is a permission problem",
            "Fatal: unable to create lock in backend: open /srv/restic/locks/4f1a: permission denied", FailureCause.permissionDenied
        ),
        (
            "a held repository lock",
            "repository 8a3c1f opened (version 2)\nFatal: unable to create lock in backend: repository is already locked by PID 27158 on db1 by root (UID 0, GID 0)\nlock was created at 2026-11-22 02:00:03 (3m2s ago)",
            .lockWait
        ),
        (
            "403 with a cap exceeded is a quota",
            "ERROR : orders.sql.gz: Failed to copy: 403 transaction_cap_exceeded: Transaction cap exceeded, see Caps & Alerts page",
            .quotaExceeded
        ),
        (
            "a wrapper prints success after the failure",
            "+ pg_dump -Fc orders\npg_dump: error: query failed: ERROR:  canceling statement due to lock timeout\n+ echo 'Backup successful'\nBackup successful",
            .lockWait
        ),
        (
            "echoed timeout options are not a timeout",
            "Running: pg_dump --lock-wait-timeout=30s --timeout=60 -h db orders\npg_dump: error: connection to server at \"db\" (10.0.0.5), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?",
            .targetDown
        ),
        (
            "a count is not an HTTP status",
            "processed 403 files, 12 errors\ntar: orders.tar: Cannot write: No space left on device\ntar: Error is not recoverable: exiting now",
            .diskFull
        ),
        ("EDQUOT is a quota, not a full disk", "write /backup/data/0f/0f3a: disk quota exceeded", .quotaExceeded),
        (
            "an expired token",
            "upload failed: An error occurred (ExpiredToken) when calling the PutObject operation: The provided token has expired.",
            .expiredCredentials
        ),
        ("a truncated gzip", "gzip: orders.sql.gz: unexpected end of file", .corruptedArtifact),
        ("a missing binary", "/usr/local/bin/backup.sh: line 12: pg_dump: command not found", .missingDependency),
        (
            "a stalled transfer",
            "Timeout, server backup.example.com not responding.\nrsync: connection unexpectedly closed (0 bytes received so far) [sender]",
            .networkTimeout
        ),
    ])
    func classifies(name: String, output: String, expected: FailureCause) throws {
        let diagnosis = try #require(classifier.classify(output: output), "\(name): nothing matched")
        #expect(diagnosis.cause == expected, "\(name): \(diagnosis)")
        #expect(!diagnosis.evidence.isEmpty)
        // Evidence is the deciding lines as printed, then the codes behind them and the exit code.
        #expect(diagnosis.evidence.allSatisfy { output.contains($0) || $0.hasPrefix("codes: ") || $0.hasPrefix("exit code") })
    }

    @Test func theEvidenceIsTheDecidingLine() throws {
        let output =
            "starting backup\nscanning 1200 files\nFatal: unable to create lock in backend: repository is already locked by PID 9\ndone"
        let diagnosis = try #require(classifier.classify(output: output))
        #expect(diagnosis.evidence == ["Fatal: unable to create lock in backend: repository is already locked by PID 9"])
        #expect(diagnosis.rule == "builtin:lock-repository")
    }

    @Test func exitCodesDecideWhenNoLineDoes() throws {
        let rsync = try #require(classifier.classify(output: "sent 12 bytes", exitCode: 30, tool: "rsync"))
        #expect(rsync.cause == .networkTimeout)
        #expect(rsync.evidence == ["exit code 30: rsync: timeout in data send/receive"])
        #expect(classifier.classify(output: "sent 12 bytes", exitCode: 30, tool: "restic") == nil)
        #expect(classifier.classify(output: "", exitCode: 127)?.cause == .missingDependency)
    }

    @Test func nothingKnownIsUnknownWithTheLastLines() {
        let diagnosis = classifier.diagnose(output: "step 1\nstep 2\nsomething odd happened", exitCode: 1)
        #expect(diagnosis.cause == .unknown)
        #expect(diagnosis.evidence.contains("something odd happened"))
        #expect(diagnosis.evidence.contains("exit code 1"))
    }

    @Test func userRulesComeFirst() throws {
        let rule = try DiagnosisRule(id: "config:0", cause: .targetDown, pattern: #"ORA-12541"#)
        let custom = FailureClassifier(userRules: [rule])
        let diagnosis = try #require(custom.classify(output: "ORA-12541: TNS:no listener\nconnection timed out"))
        #expect(diagnosis.cause == .targetDown)
        #expect(diagnosis.rule == "config:0")
    }

    @Test func everyBuiltInPatternCompiles() {
        #expect(DiagnosisRules.builtIn.count == DiagnosisRules.table.count)
        #expect(Set(DiagnosisRules.builtIn.map(\.cause)).subtracting([.unknown]) == Set(FailureCause.allCases).subtracting([.unknown]))
    }
}
