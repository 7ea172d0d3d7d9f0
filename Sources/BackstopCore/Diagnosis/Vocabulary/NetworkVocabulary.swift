/// The target not answering (down, refusing, missing) and the network dropping or stalling.
/// Sources: errno(3) (ECONNREFUSED 111, ETIMEDOUT 110, ECONNRESET 104, EHOSTUNREACH 113), Winsock
/// messages (WSAECONNREFUSED 10061 "actively refused", WSAECONNRESET 10054 "forcibly closed"),
/// Go's net package, libpq's connection messages, MySQL client errors (2002/2003 cannot connect,
/// 2006/2013 lost connection), restic's and borg's missing-repository errors, pgBackRest's
/// RepoInvalidError [103], the S3/GCS/Azure codes (NoSuchBucket, ContainerNotFound,
/// ServiceUnavailable, RequestTimeout), RFC 9110 statuses 408/502/503/504.
extension DiagnosisRules {
    static let network: [Row] = [
        (
            "target-down", .targetDown, .specific,
            #"connection refused|could not resolve host(name)?\b|Name or service not known|\bECONNREFUSED\b|\[?errno[ =:\]]*111\b|actively refused|no route to host|\bEHOSTUNREACH\b|network is unreachable|\bENETUNREACH\b|host is down|the database system is (starting up|shutting down|in recovery mode)|Can't connect to (local )?(MySQL )?server|\b(ERROR|error:?) (2002|2003)\b|Could not connect to the endpoint URL|Transport endpoint is not connected|Stale file handle|\bESTALE\b|mount(point)? (is )?not (mounted|available)|SQLSTATE[ \[]*(08001|08006|57P01|57P03)|connection to server on socket .* failed: No such file or directory"#
        ),
        (
            "target-missing", .targetDown, .specific,
            #"repository (does not exist|not found)|Repository \S+ does not exist|NoSuchBucket|(specified )?bucket does not exist|BucketNotFound|ContainerNotFound|(specified )?container does not exist|unable to find a valid repository|is not a valid repository|unable to open config file: .*(no such file or directory|does not exist|not found)"#
        ),
        (
            "target-unavailable", .targetDown, .generic,
            #"\#(status(502))|\#(status(503))|bad gateway|service[ _]unavailable|ServiceUnavailable|is too busy|Is the server running|\bInternalError\b|could not connect to (the )?server|server closed the connection unexpectedly|specified key does not exist|FileMissingError"#
        ),
        (
            "network-timeout", .networkTimeout, .specific,
            #"timed out|\bETIMEDOUT\b|\[?errno[ =:\]]*110\b|i/o timeout|deadline exceeded|connection reset|\bECONNRESET\b|reset by peer|\[?errno[ =:\]]*104\b|forcibly closed by the remote host|established connection was aborted|Lost connection to (MySQL )?server|server has gone away|\b(ERROR|error:?) (2006|2013)\b|RequestTimeout|OperationTimedOut|socket hang up|TLS handshake timeout|timeout when reading or writing|Gateway Time-?out|\#(status(504))|\#(status(408))|Request Time-?out|temporary failure in name resolution|no such host|kex_exchange_identification|timeout expired"#
        ),
        (
            "network-generic", .networkTimeout, .generic,
            #"(?<![-_=\w])(?<!statement )timeout(?![=_-])|broken pipe|\bEPIPE\b|\[?errno[ =:\]]*32\b|unexpected EOF|TLS handshake|connection (was )?(lost|aborted|interrupted|dropped)|error in socket IO|network (error|failure)|SSL_read|SSL_write|use of closed network connection|client_loop: send disconnect|ssh command exited: exit status 255"#
        ),
        // Follow-on lines that only say that a connection ended or a statement was cancelled (SQLSTATE
        // 57014, whatever made it slow): weak evidence.
        (
            "follow-on", .networkTimeout, .weak,
            #"connection unexpectedly closed|error in rsync protocol data stream|canceling statement due to statement timeout|Connection closed by|connection (was )?closed|ssh_exchange_identification"#
        ),
        // Lines that look like a cause but name none: pgBackRest's ArchiveTimeoutError (the archive
        // command did not finish, for any reason) and rsync's --stop-at ending. They cast no vote.
        ("neutral", .unknown, .specific, #"was not archived before the \S+ timeout|stopping at requested limit"#),
        (
            "follow-on-target", .targetDown, .weak,
            #"Is there a repository at the following location|connection to server .* failed|does not exist"#
        ),
    ]
}
