import BackstopCore
import Testing

/// Codes inside the text are read in their own notation and looked up, not matched as words.
@Suite struct CodeExtractorTests {
    @Test(arguments: [
        ("OSError: [Errno 28] No space left on device: '/backup/x'", "errno 28 ENOSPC"),
        ("rsync: send_files failed to open \"/srv/a\": Permission denied (13)", "errno 13 EACCES"),
        ("Error writing file '/tmp/MY' (errno: 28 - No space left on device)", "errno 28 ENOSPC"),
        ("write /backup/data: ENOSPC", "errno 28 ENOSPC"),
        ("FATAL: password authentication failed for user \"gp\" (SQLSTATE 28P01)", "SQLSTATE 28P01 invalid_password"),
        ("mysqldump: Got error: 1045: Access denied for user 'x'@'y' (using password: YES)", "MySQL error 1045 ER_ACCESS_DENIED_ERROR"),
        (
            "mysqldump: Couldn't execute 'FLUSH TABLES': Access denied; you need the RELOAD privilege(s) for this operation (1227)",
            "MySQL error 1227 ER_SPECIFIC_ACCESS_DENIED_ERROR"
        ),
        ("rsync error: timeout in data send/receive (code 30) at io.c(195)", "rsync exit code 30 Timeout in data send/receive"),
        ("ERROR: [050]: unable to acquire lock on file '/tmp/pgbackrest/demo.lock'", "pgBackRest error 050 LockAcquireError"),
        ("HTTP/1.1 503 Service Unavailable", "HTTP status 503 Service Unavailable"),
        ("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>", "storage API error code AccessDenied"),
        ("googleapi: Error 403: User Rate Limit Exceeded, userRateLimitExceeded", "storage API error code userRateLimitExceeded"),
        (
            "connection to server at \"localhost\" (::1), port 5432 failed: Connection refused (0x0000274D/10061)",
            "Windows error 10061 WSAECONNREFUSED"
        ),
    ])
    func readsTheCodeInItsNotation(line: String, expected: String) {
        #expect(CodeExtractor.codes(in: line).map(\.description).contains(expected), "\(CodeExtractor.codes(in: line))")
    }

    @Test(arguments: [
        "processed 403 files in 2018 seconds",
        "2019-10-03 16:54:29.496 P00   INFO: stanza-create command end: aborted with exception [050]",
        "copied 28 files (13) to /backup",
        "Backup of 1045 tables finished",
    ])
    func numbersThatAreNotWrittenAsCodesAreNotCodes(line: String) {
        #expect(CodeExtractor.codes(in: line) == [])
    }

    @Test func aCodeDecidesAndIsNamedInTheEvidence() throws {
        let output = "psql: error: connection to server failed: FATAL:  role \"backup\" is not permitted to log in (SQLSTATE 28000)"
        let diagnosis = try #require(FailureClassifier().classify(output: output))
        #expect(diagnosis.cause == .expiredCredentials)
        #expect(diagnosis.rule == "code:sqlstate:28000")
        #expect(diagnosis.evidence == [output, "codes: SQLSTATE 28000 invalid_authorization_specification"])
    }

    /// A code that names no cause (pgBackRest's ArchiveTimeoutError, ENOENT) casts no vote.
    @Test func aCodeWithoutACauseDecidesNothing() {
        #expect(FailureClassifier().classify(output: "open /backup/x: [Errno 2] No such file or directory") == nil)
    }
}
