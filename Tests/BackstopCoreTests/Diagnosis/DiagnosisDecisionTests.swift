import BackstopCore
import Foundation
import Testing

/// How the classifier decides: normalisation, strength over table position, abstaining.
@Suite struct DiagnosisDecisionTests {
    let classifier = FailureClassifier()

    @Test func escapedNewlinesInsideLogFieldsAreLines() {
        let text = TextNormalizer.normalize(
            #"level=error msg="backup failed" stderr="Fatal: wrong password or no key found\n: exit status 1""#)
        #expect(
            text.logical.map(\.text) == [
                #"level=error msg="backup failed" stderr="Fatal: wrong password or no key found"#, #": exit status 1""#,
            ])
        #expect(text.logical.allSatisfy { $0.source == 0 })
    }

    @Test func whitespaceIsCollapsedButEvidenceQuotesTheLineAsPrinted() throws {
        let output = "error:  open C:\\backup\\x:   Access   is denied."
        let diagnosis = try #require(classifier.classify(output: output))
        #expect(diagnosis.cause == .permissionDenied)
        #expect(diagnosis.evidence == [output])
    }

    @Test(arguments: [
        (
            "the reason beats the borg wrapper",
            "Remote: PermissionError: [Errno 13] Permission denied\nConnection closed by remote host. Is borg working on the server?",
            FailureCause.permissionDenied
        ),
        (
            "the earliest root cause beats its consequence",
            "FATAL:  could not write lock file \"postmaster.pid\": No space left on device\npg_dump: error: connection to server on socket \"/run/postgresql/.s.PGSQL.5432\" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?",
            .diskFull
        ),
        (
            "an S3 code inside an escaped Velero field",
            #"time="x" level=error msg="backup failed" error="rpc error: code = Unknown desc = AccessDenied: Access Denied\n\tstatus code: 403""#,
            .permissionDenied
        ),
        (
            "a MySQL client error number",
            "mysqldump: Got error: 2003: Can't connect to MySQL server on '127.0.0.1' (10061) when trying to connect", .targetDown
        ),
        ("a SQLSTATE", "FATAL: password authentication failed for user \"gpadmin\" (SQLSTATE 28P01)", .expiredCredentials),
        (
            "a quota in other words", "googleapi: Error 403: The user's Drive storage quota has been exceeded., storageQuotaExceeded",
            .quotaExceeded
        ),
        (
            "Go's exec package", #"Fatal: create repository at rclone:remote: failed: exec: "rclone": executable file not found in $PATH"#,
            .missingDependency
        ),
    ])
    func decidesBySpecificity(name: String, output: String, expected: FailureCause) throws {
        let diagnosis = try #require(classifier.classify(output: output), "\(name)")
        #expect(diagnosis.cause == expected, "\(name): \(diagnosis)")
    }

    @Test func onlyFollowOnLinesAbstain() throws {
        let output =
            "rsync: connection unexpectedly closed (0 bytes received so far) [sender]\nrsync error: error in rsync protocol data stream (code 12) at io.c(226) [sender=3.1.0]"
        let diagnosis = try #require(classifier.classify(output: output, exitCode: 12, tool: "rsync"))
        #expect(diagnosis.cause == .unknown)
        #expect(diagnosis.rule == "abstain")
        #expect(diagnosis.evidence.first == "only follow-on lines, no reason given:")
    }

    @Test func twoStrongCausesOnDifferentLinesAbstainNamingBoth() throws {
        let output = "write /backup/data/0f: no space left on device\nFatal: wrong password or no key found"
        let diagnosis = try #require(classifier.classify(output: output))
        #expect(diagnosis.cause == .unknown)
        #expect(diagnosis.evidence.contains { $0.hasPrefix("disk_full? ") })
        #expect(diagnosis.evidence.contains { $0.hasPrefix("expired_credentials? ") })
        #expect(diagnosis.confidence < 0.5)
    }

    @Test func theExitCodeBreaksATie() throws {
        let output = "Fatal: unable to open config file: Stat: connection refused\nFatal: wrong password or no key found"
        let diagnosis = try #require(classifier.classify(output: output, exitCode: 12, tool: "restic"))
        #expect(diagnosis.cause == .expiredCredentials)
        #expect(diagnosis.evidence.last == "exit code 12: restic: wrong password")
    }

    @Test func aRetryLoopIsOneWitness() throws {
        let retry = String(repeating: "Load(<lock/c3>) returned error: open locks/c3: Access is denied.\n", count: 40)
        let diagnosis = try #require(classifier.classify(output: retry + "Fatal: wrong password or no key found"))
        #expect(diagnosis.cause == .unknown)
    }

    @Test func confidenceIsHigherForAnUncontestedSpecificMessage() throws {
        let alone = try #require(classifier.classify(output: "tar: orders.tar: Cannot write: No space left on device"))
        let generic = try #require(classifier.classify(output: "Timeout, server not responding."))
        #expect(alone.confidence > generic.confidence)
    }
}
