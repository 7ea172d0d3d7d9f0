/// Space and provider limits. Sources: errno(3) (ENOSPC 28, EDQUOT 122), the Windows system error
/// messages (ERROR_DISK_FULL 112), PostgreSQL errcodes.txt (53100 disk_full, 53300
/// too_many_connections), MySQL server errors (1021, 1040), the S3/GCS/Azure/B2/Graph error-code
/// lists (SlowDown, storageQuotaExceeded, quotaLimitReached, *_cap_exceeded, ServerBusy), RFC 9110
/// statuses 402/429/507, Kubernetes CSI snapshot limits.
extension DiagnosisRules {
    static let storage: [Row] = [
        // EDQUOT is a per-user limit, not a full disk (see the corpus README).
        ("quota-edquot", .quotaExceeded, .specific, #"disk quota exceeded|\bEDQUOT\b|\[?errno[ =:\]]*122\b"#),
        (
            "quota-provider", .quotaExceeded, .specific,
            #"\b(transaction|storage|download|class_[abc])_cap_exceeded\b|\bcap exceeded\b|quota ?exceeded|quota (has been|was|is) (exceeded|reached)|exceeded (your|the|their) [\w ]{0,30}quota|quota ?limit ?reached|not enough quota|over (the |your )?quota|(storage|download|upload|account|share)QuotaExceeded|dailyLimitExceeded|teamDriveFileLimitExceeded|insufficient[ _]?storage|\#(status(507))|\#(status(402))|over (the )?account limit|over limit\b|exceeds? (the |your )?(account|storage|tenant|bucket) (byte |size )?(limit|quota)|\bResourceExhausted\b|\bLimitExceeded\b|maximum (number|count) of snapshots|max(imum)? limit of snapshots|snapshot (limit|quota)|reaches the configured maximum|SQLSTATE[ \[]*53300|too many clients already|too many connections|\b(ERROR|error:?) 1040\b"#
        ),
        (
            "quota-rate-limit", .quotaExceeded, .specific,
            #"\#(status(429))|too many requests|TooManyRequests|\bSlowDown\b|reduce your request rate|rate ?limit(ed| exceeded)?\b|(user)?RateLimitExceeded|RateExceeded\b|RequestLimitExceeded|Throttl(ed|ing)(Exception)?\b|\bServerBusy\b|request was throttled|too_many_requests"#
        ),
        (
            "disk-full", .diskFull, .specific,
            #"no space left|\bENOSPC\b|\[?errno[ =:\]]*28\b|not enough (free )?(disk )?space|disk (is )?full|insufficient (free |disk )+space|out of disk space|could not extend file|file ?system (is )?full|inodes? exhausted|write failed.*space|SQLSTATE[ \[]*53100|\b(ERROR|error:?) 1021\b"#
        ),
        // A short write with no other explanation: usually the disk filled up mid-write.
        ("disk-partial-write", .diskFull, .generic, #"Wrote only \d+ of \d+ bytes|short write"#),
    ]
}
