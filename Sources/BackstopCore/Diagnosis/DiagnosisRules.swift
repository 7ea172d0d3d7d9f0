/// The built-in rule table, in priority order: when lines match several rules, the first rule
/// in this table decides. Specific causes come before the generic words that also appear in
/// their messages ("Disk quota exceeded" before "disk full", "403 … cap exceeded" before
/// "403", "lock file: Permission denied" before "lock", "lock timeout" before "timeout").
///
/// Patterns are the tools' own wording (restic, borg, PostgreSQL's pg_dump/pg_basebackup/
/// pg_restore, pgBackRest, mysqldump, rsync, rclone, tar, gzip, OpenSSH, S3/GCS/Azure/B2 error
/// codes, errno names and numbers, HTTP statuses); `Tests/Fixtures/tool-output/` holds the real
/// outputs they are tested on.
package enum DiagnosisRules {
    /// (id, cause, pattern, confidence). Case-insensitive.
    package static let table: [(String, FailureCause, String, Double)] = [
        // Quota: storage or request limits of the provider, EDQUOT.
        ("quota-edquot", .quotaExceeded, #"disk quota exceeded|\bEDQUOT\b|errno[ =:]*122\b"#, 0.95),
        (
            "quota-provider", .quotaExceeded,
            #"\b(transaction|storage|download|class_[abc])_cap_exceeded\b|\bcap exceeded\b|quota ?exceeded|QuotaExceeded|storageQuotaExceeded|dailyLimitExceeded|(user)?RateLimitExceeded|AccountQuotaExceeded|ShareQuotaExceeded|over (the |your )?quota|exceeded (your|the) (storage )?quota|insufficient[ _]storage|\#(http(507))"#,
            0.95
        ),
        (
            "quota-rate-limit", .quotaExceeded,
            #"\#(http(429))|too many requests|TooManyRequests|\bSlowDown\b|reduce your request rate|rate limit(ed| exceeded)?\b|RequestLimitExceeded|Throttl(ed|ing)Exception|\bServerBusy\b|request was throttled|too_many_requests"#,
            0.85
        ),

        // Credentials that no longer work (authentication), before authorisation failures.
        (
            "credentials-expired", .expiredCredentials,
            #"ExpiredToken|token (has |is )?expired|expired[ _](auth[ _])?token|TokenExpired|RequestExpired|certificate (has )?expired|certificate is not yet valid|key (has )?expired|password (has )?expired|credentials? (have |has )?expired|session expired|invalid_grant|refresh token"#,
            0.95
        ),
        (
            "credentials-rejected", .expiredCredentials,
            #"InvalidAccessKeyId|SignatureDoesNotMatch|InvalidClientTokenId|UnrecognizedClientException|AuthenticationFailed|InvalidAuthenticationInfo|bad_auth_token|unauthorized|\#(http(401))|password authentication failed|authentication failed|Access denied for user .*using password|wrong password|no key found|incorrect password|invalid credentials|no supported authentication methods|Too many authentication failures|Login failed|oauth2: cannot fetch token|could not find default credentials|NoCredentialProviders|Unable to locate credentials|passphrase[^\n]{0,80}(is )?incorrect|no password supplied|Anonymous caller does not have|\b401:|signature we calculated does not match"#,
            0.9
        ),

        // Authorisation and file permissions.
        (
            "permission-denied", .permissionDenied,
            #"permission denied|\bEACCES\b|errno[ =:]*13\b|operation not permitted|\bEPERM\b|AccessDenied|access denied|\#(http(403))|forbidden|AuthorizationFailure|AuthorizationPermissionMismatch|AuthorizationPermissionDenied|must be (the )?owner of|insufficient privileges?|not authori[sz]ed|read-only file system|\bEROFS\b|does not have (storage\.objects|permission)|must be superuser|replication role"#,
            0.9
        ),

        // Space on the target or scratch.
        (
            "disk-full", .diskFull,
            #"no space left on device|\bENOSPC\b|errno[ =:]*28\b|disk (is )?full|not enough (free )?(disk )?space|insufficient (free |disk )+space|out of disk space|could not extend file|file system full|filesystem (is )?full|no space left|inodes? exhausted|write failed.*space"#,
            0.95
        ),

        // Locks held by someone else.
        (
            "lock-repository", .lockWait,
            #"repository is already locked|unable to create lock|failed to create/acquire the lock|failed to acquire( the)? lock|lock ?timeout|lock(ing)? timed out|could not obtain lock|canceling statement due to lock timeout|lock wait timeout|unable to acquire lock|could not acquire lock|already locked|waiting for (the )?lock|lock is held|held by (pid|process)|deadlock detected|database is locked|another (instance|process|backup|pgbackrest|borg|restic)[^\n]{0,40}(is )?(already )?running|is already running|LockTimeout|LockFailed|ERROR 1205|Query was: LOCK TABLE|could not obtain lock on relation|unable to acquire [\w-]+ lock"#,
            0.9
        ),

        // The artifact or repository is damaged.
        (
            "corrupted-checksum", .corruptedArtifact,
            #"checksum (mismatch|does not match|error|failed|verification failed|invalid)|hash (mismatch|does not match)|SHA-?256 does not match|digest mismatch|ciphertext verification failed|data integrity error|integrity (check|error)|MAC (check )?failed|BadContentDigest|InvalidDigest|crc (error|mismatch|check failed)|\bcrc32c? mismatch"#,
            0.95
        ),
        (
            "corrupted-archive", .corruptedArtifact,
            #"unexpected end of (file|archive|input)|unexpected EOF in archive|invalid compressed data|not in gzip format|invalid stored block|trailing garbage|corrupt(ed|ion)?\b|damaged|truncated|bad magic|is not a valid|invalid (pack|archive|header)|archive (is )?(damaged|incomplete)|input file appears to be corrupted|could not read input file|error in compressed data|Decompression error|broken pipe? ?in archive|skipping to next header|could not read from input file|could not uncompress|not appear to be a valid archive|repository contains errors|Pack ID does not match|index object count mismatch|repository check, errors found|archives check, errors found|pack [0-9a-f]+ contains \d+ errors"#,
            0.85
        ),

        // A tool, library or compatible version is missing.
        (
            "missing-dependency", .missingDependency,
            #"command not found|not found in \$?PATH|executable file not found|executable not found|error while loading shared libraries|cannot open shared object file|ModuleNotFoundError|No module named|ImportError|server version mismatch|version mismatch|unsupported (server |protocol |repository )?version|incompatible (server|version)|requires (a )?newer version|could not find a "[^"]+" to execute|is not installed|not installed|no such (program|executable)|exec format error|unknown command|cannot execute|\bsh: (\d+: )?[^:\n]+: not found|Error loading shared library|symbol not found|version `[^']+' not found|Is borg working on the server"#,
            0.9
        ),

        // A short write with no other explanation: usually the disk filled up mid-write.
        ("disk-partial-write", .diskFull, #"Wrote only \d+ of \d+ bytes|short write"#, 0.6),

        // The target does not answer at all.
        (
            "target-down", .targetDown,
            #"connection refused|\bECONNREFUSED\b|errno[ =:]*111\b|no route to host|\bEHOSTUNREACH\b|network is unreachable|\bENETUNREACH\b|host is down|could not connect to (the )?server|is the server running|server closed the connection unexpectedly|the database system is (starting up|shutting down|in recovery mode)|\#(http(502))|\#(http(503))|bad gateway|service unavailable|ServiceUnavailable|InternalError|name or service not known|could not resolve host(name)?|no such host|nodename nor servname|unknown host|host not found|Could not resolve hostname|repository (does not exist|not found)|Repository \S+ does not exist|Is there a repository at the following location|Is a remote repository|NoSuchBucket|bucket does not exist|ContainerNotFound|mount(point)? (is )?not (mounted|available)|Transport endpoint is not connected|Stale file handle|\bESTALE\b|connection to server .* failed|Can't connect to (local )?(MySQL )?server|Could not connect to the endpoint URL"#,
            0.85
        ),

        // The network dropped or stalled.
        (
            "network-timeout", .networkTimeout,
            #"timed out|(?<![-_=\w])timeout(?![=_-])|\bETIMEDOUT\b|errno[ =:]*110\b|i/o timeout|deadline exceeded|connection reset|\bECONNRESET\b|reset by peer|broken pipe|\bEPIPE\b|temporary failure in name resolution|TLS handshake|connection (was )?(closed|lost|aborted)|Connection closed by|unexpected EOF|\#(http(504))|gateway time-?out|RequestTimeout|socket hang up|error in socket IO|network (error|failure)|connection (interrupted|dropped)|SSL_read|SSL_write|error in rsync protocol data stream|kex_exchange_identification|timeout expired"#,
            0.75
        ),
    ]

    /// An HTTP status only where it reads as one ("HTTP 403", "status code: 403", "403 Forbidden",
    /// "error 403"), so counts like "processed 403 files" do not match.
    private static func http(_ code: Int) -> String {
        let reasons = [
            401: "Unauthorized", 403: "Forbidden", 429: "Too Many Requests", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Time-?out", 507: "Insufficient Storage",
        ]
        return #"(?:HTTP(?:/[\d.]+)?|status(?: ?code)?|code|error|response)[ :=]*\(?\#(code)\b|\b\#(code) \#(reasons[code] ?? "")"#
    }

    /// The table compiled; patterns are constants verified by tests, so a failure here is a bug.
    package static let builtIn: [DiagnosisRule] = table.compactMap { id, cause, pattern, confidence in
        try? DiagnosisRule(id: "builtin:\(id)", cause: cause, pattern: pattern, confidence: confidence)
    }
}
