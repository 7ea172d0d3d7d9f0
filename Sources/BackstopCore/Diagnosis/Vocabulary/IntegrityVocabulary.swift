/// Locks held by someone else, damaged artifacts, and missing programs or libraries. Sources:
/// restic's and borg's lock and check messages, pgBackRest's LockAcquireError [050] and page
/// checksum warnings, PostgreSQL errcodes.txt (55P03 lock_not_available, 40P01 deadlock, XX001/
/// XX002 data and index corruption), pg_restore's archiver messages, MySQL 1205/1213, gzip/tar/xz
/// messages, the shell's "command not found", Go's os/exec errors (exec.ErrNotFound, exec.ErrDot),
/// the dynamic loader, Python's ImportError, rsync's exit code 127 text, Windows cmd.exe.
extension DiagnosisRules {
    static let integrity: [Row] = [
        (
            "lock-repository", .lockWait, .specific,
            #"repository is already locked|already locked|failed to create/acquire the lock|failed to acquire( the)? lock|lock ?timeout|lock(ing)? timed out|could not obtain lock|canceling statement due to lock timeout|lock wait timeout|unable to acquire lock|could not acquire lock|waiting for (the )?lock|lock is held|held by (pid|process)|deadlock detected|database is locked|another (instance|process|backup|pgbackrest|borg|restic)[^\n]{0,40}(is )?(already )?running|is already running|LockTimeout|LockFailed|\b(ERROR|error:?) (1205|1213)\b|unable to acquire [\w-]+ lock|SQLSTATE[ \[]*(55P03|40P01)"#
        ),
        // restic's wrapper around any lock problem, whose reason follows on the same line.
        ("lock-wrapper", .lockWait, .weak, #"unable to create lock|unable to refresh lock"#),
        // pg_dump's echo of the LOCK TABLE it was running: a lock wait when nothing more specific
        // (a permission error) is on the other lines.
        ("lock-query", .lockWait, .generic, #"Query was: LOCK TABLE"#),
        (
            "corrupted-checksum", .corruptedArtifact, .specific,
            #"checksum (mismatch|does not match|error|failed|verification failed|invalid)|invalid page checksums? found|hash (mismatch|does not match)|SHA-?256 does not match|digest mismatch|ciphertext verification failed|data integrity error|integrity (check|error)|MAC (check )?failed|BadContentDigest|InvalidDigest|crc (error|mismatch|check failed)|\bcrc32c? mismatch|(Pack|Blob) ID does not match|object count mismatch|wrong data returned|SQLSTATE[ \[]*XX00[12]"#
        ),
        (
            "corrupted-archive", .corruptedArtifact, .specific,
            #"unexpected end of (file|archive|input)|unexpected EOF in archive|invalid compressed data|not in gzip format|invalid stored block|trailing garbage|bad magic|invalid (pack|archive|header)|archive (is )?(damaged|incomplete)|input file appears to be corrupted|could not read input file|error in compressed data|Decompression error|skipping to next header|could not read from input file|could not uncompress|not appear to be a valid archive|repository contains errors|repository check, errors found|archives check, errors found|pack [0-9a-f]+ contains \d+ errors|could not find header for file|zlib threw error: \[-3\] data error|could not open input file .{0,300}toc\.dat"#
        ),
        ("corrupted-generic", .corruptedArtifact, .generic, #"corrupt(ed|ion)?\b|damaged|truncated|is not a valid|errors found"#),
        (
            "missing-dependency", .missingDependency, .specific,
            #"command not found|not found in \$?PATH|executable file not found|executable not found|cannot run executable found relative to current directory|error while loading shared libraries|cannot open shared object file|ModuleNotFoundError|No module named|ImportError|server version mismatch|unsupported (server |protocol |repository )?version|incompatible (server|version)|requires (a )?newer version|could not find a "[^"]+" to execute|is not installed|no such (program|executable)|exec format error|cannot execute|\bsh: (\d+: )?[^:\n]+: not found|Error loading shared library|symbol not found|version `[^']+' not found|remote command not found|subsystem request failed|is not recognized as an internal or external command"#
        ),
        ("missing-generic", .missingDependency, .generic, #"version mismatch|not installed|unknown command"#),
        ("missing-follow-on", .missingDependency, .weak, #"Is borg working on the server"#),
    ]
}
