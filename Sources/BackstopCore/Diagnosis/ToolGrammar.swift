/// Which tool printed the output, so its own grammar is read first.
///
/// The tool comes from the caller (the asset's `backup.type` or `backup.tool`, the tool report,
/// `backstop diagnose --tool`) or, when that names no known tool (a wrapper script), from the text
/// itself: the prefixes the tools put on their lines (`pg_dump:`, `rsync error:`, restic's
/// `Fatal:`, pgBackRest's ` P00 `). Rules that belong to one tool's grammar (a row's `tools` in
/// the vocabulary data) are read only for that tool, and win a tie on their line; a wrapper's
/// output with no recognisable tool reads every rule.
package enum ToolGrammar {
    /// Tool and program names to their grammar family.
    static let families: [String: String] = [
        "restic": "restic", "backrest": "restic", "autorestic": "restic",
        "borg": "borg", "borgbackup": "borg", "borgmatic": "borg", "attic": "borg", "vorta": "borg",
        "pgbackrest": "pgbackrest",
        "postgres": "postgres", "postgresql": "postgres", "pg_dump": "postgres", "pg_dumpall": "postgres", "pg_restore": "postgres",
        "pg_basebackup": "postgres", "psql": "postgres", "pghoard": "postgres", "barman": "postgres",
        "mysql": "mysql", "mysqldump": "mysql", "mariadb": "mysql", "mariadb-dump": "mysql", "mydumper": "mysql", "mysqlpump": "mysql",
        "xtrabackup": "mysql", "mariabackup": "mysql",
        "rsync": "rsync", "rsnapshot": "rsync",
        "rclone": "rclone", "gclone": "rclone",
        "velero": "velero", "ark": "velero",
        "s3": "s3", "aws": "s3",
        "gcs": "gcs", "gsutil": "gcs", "gcloud": "gcs",
        "azure": "azure", "azcopy": "azure", "az": "azure",
        "b2": "b2",
        "tar": "tar", "gzip": "gzip",
        "ssh": "ssh", "sftp": "ssh", "scp": "ssh",
    ]

    /// Grammars a family reads besides its own: Velero runs restic (or kopia) for volume data.
    static let includes: [String: Set<String>] = ["velero": ["velero", "restic"], "rclone": ["rclone", "s3", "gcs", "azure", "b2"]]

    /// Line prefixes that name the tool that printed them, checked in order.
    static let prefixes: [(String, String)] = [
        ("pg_dump:", "postgres"), ("pg_dumpall:", "postgres"), ("pg_restore:", "postgres"), ("pg_basebackup:", "postgres"),
        ("mysqldump:", "mysql"), ("mariadb-dump:", "mysql"), ("rsync error:", "rsync"), ("rsync:", "rsync"), ("Fatal: ", "restic"),
        ("borg: ", "borg"), ("Remote: ", "borg"), ("gsutil ", "gcs"), ("AccessDeniedException: 403", "gcs"),
    ]

    /// The grammar family for `tool`, or, when it names none, the one the text shows.
    package static func family(tool: String?, lines: [String]) -> String? {
        if let tool, let family = family(named: tool) { return family }
        for line in lines.prefix(400) {
            if line.contains(" P00 ") { return "pgbackrest" }
            if let (_, family) = prefixes.first(where: { line.hasPrefix($0.0) }) { return family }
        }
        return nil
    }

    /// The family of a tool or program name ("/usr/bin/pg_dump" and "PG_DUMP" read as pg_dump).
    package static func family(named tool: String) -> String? {
        let name = tool.split(separator: "/").last.map { $0.lowercased() } ?? ""
        return families[name] ?? families[name.split(separator: "-").first.map(String.init) ?? ""]
    }

    /// The grammars read for `family`: its own and those it includes.
    package static func grammars(of family: String) -> Set<String> {
        includes[family] ?? [family]
    }
}
