import BackstopCore
import Testing

/// The tool's own grammar is read first: named by the caller, or recognised from the text.
@Suite struct ToolGrammarTests {
    /// Every grammar family a vocabulary row may name.
    static let families = [
        "restic", "borg", "pgbackrest", "postgres", "mysql", "rsync", "rclone", "velero", "s3", "gcs", "azure", "b2", "tar", "gzip", "ssh",
    ]

    @Test(arguments: [
        ("/usr/lib/postgresql/16/bin/pg_dump", "postgres"), ("PG_RESTORE", "postgres"), ("borgmatic", "borg"), ("restic", "restic"),
        ("mariadb-dump", "mysql"), ("azcopy", "azure"), ("rsync", "rsync"), ("pgbackrest", "pgbackrest"),
    ])
    func namesMapToTheirFamily(name: String, family: String) {
        #expect(ToolGrammar.family(named: name) == family)
    }

    @Test func aWrapperIsRecognisedByTheLinesItPrints() {
        #expect(ToolGrammar.family(tool: "backup.sh", lines: ["+ starting", "pg_dump: error: connection failed"]) == "postgres")
        #expect(ToolGrammar.family(tool: nil, lines: ["2024-01-02 03:04:05.678 P00   INFO: backup command begin"]) == "pgbackrest")
        #expect(ToolGrammar.family(tool: "cron", lines: ["all good"]) == nil)
        #expect(ToolGrammar.family(tool: "mysqldump", lines: ["pg_dump: error"]) == "mysql")
    }

    /// pg_dump's echo of the LOCK TABLE it ran is part of PostgreSQL's grammar: a lock wait when
    /// pg_dump printed it, nothing when another tool's output happens to contain the words.
    @Test func aRowOfOneToolsGrammarIsReadOnlyForThatTool() throws {
        let output = "pg_dump: detail: Query was: LOCK TABLE public.orders IN ACCESS SHARE MODE"
        #expect(FailureClassifier().classify(output: output, tool: "pg_dump")?.cause == .lockWait)
        #expect(FailureClassifier().classify(output: output, tool: "mysqldump") == nil)
        let archive = "ERROR: [082]: WAL segment 000000010000000000000003 was not archived before the 60000ms timeout"
        #expect(FailureClassifier().classify(output: archive, tool: "pgbackrest") == nil)
    }

    @Test func exitCodesAreReadForTheFamily() throws {
        let diagnosis = try #require(FailureClassifier().classify(output: "sent 12 bytes", exitCode: 30, tool: "/usr/bin/rsync"))
        #expect(diagnosis.cause == .networkTimeout)
    }
}
