import BackstopCore
import Foundation
import Yams

/// Parses one entry of `assets:`.
struct AssetParser {
    let reader: ConfigReader
    let path: String
    let baseDirectory: String

    static let assetKeys = ["name", "kind", "service", "adjacent", "schedule", "backup", "restore"]
    /// Keys every backup type takes; each type adds its own (``BackupTypeParser``).
    static let backupKeys = ["type", "size", "max_age", "status_file", "tool", "target", "retry"]
    /// One parser per `backup.type`, each in its adapter's folder under Tools/.
    static let typeParsers: [String: BackupTypeParser] = [
        "files": BackupTypeParser(keys: ["path", "checksum"], parse: parseFiles),
        "restic": ResticConfigParser.parser,
        "borg": BorgConfigParser.parser,
        "pgbackrest": PgBackRestConfigParser.parser,
        "s3": S3ConfigParser.parser,
    ]

    func parse(_ node: Node, scheduleNames: Set<String>) -> Asset? {
        guard let fields = reader.mapping(node, path, allowed: Self.assetKeys) else { return nil }
        let name = reader.nonEmptyString(reader.require(fields["name"], in: node, "\(path).name", "a unique asset name"), "\(path).name")
        if let name, !name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
            reader.report(
                fields["name"], "\(path).name",
                "'\(name)' may only contain letters, digits, '-', '_' and '.' (it becomes a metric label and a file name)")
        } else if let name, name.allSatisfy({ $0 == "." }) {
            reader.report(
                fields["name"], "\(path).name",
                "'\(name)' is not a usable name: it becomes a file name, and '.' and '..' name directories; use letters or digits")
        }
        let kind = fields["kind"].flatMap { reader.oneOf($0, "\(path).kind", AssetKind.self) } ?? .service
        let service = fields["service"].flatMap { reader.nonEmptyString($0, "\(path).service") }
        let adjacent = fields["adjacent"].flatMap { reader.stringList($0, "\(path).adjacent") } ?? []
        let scheduleNode = reader.require(fields["schedule"], in: node, "\(path).schedule", "the name of a schedule")
        let schedule = reader.nonEmptyString(scheduleNode, "\(path).schedule")
        if let schedule, !scheduleNames.isEmpty, !scheduleNames.contains(schedule) {
            let hint =
                ConfigReader.closest(to: schedule, in: Array(scheduleNames)).map { "; did you mean '\($0)'?" }
                ?? "; defined schedules: \(scheduleNames.sorted().joined(separator: ", "))"
            reader.report(scheduleNode, "\(path).schedule", "'\(schedule)' is not a schedule defined under schedules\(hint)")
        }
        let backup = parseBackup(
            reader.require(fields["backup"], in: node, "\(path).backup", "where the backup artifacts are and how to check them"))
        let type = backup?.source.type ?? "files"
        let restore = fields["restore"].flatMap { parseRestore($0, type: type) }
        guard let name, let schedule, let backup else { return nil }
        return Asset(name: name, kind: kind, service: service, adjacent: adjacent, scheduleName: schedule, backup: backup, restore: restore)
    }

    private func parseBackup(_ node: Node?) -> BackupSpec? {
        let path = "\(path).backup"
        // The type decides which keys are allowed, so it is read before the mapping is checked.
        let typeNode = node?.mapping?["type"]
        let type = typeNode.flatMap { reader.nonEmptyString($0, "\(path).type") } ?? "files"
        guard let typeParser = Self.typeParsers[type] else {
            reader.report(
                typeNode, "\(path).type",
                "'\(type)' is not a supported backup type; supported: \(Self.typeParsers.keys.sorted().joined(separator: ", "))")
            return nil
        }
        guard let fields = reader.mapping(node, path, allowed: Self.backupKeys + typeParser.keys) else { return nil }
        let context = BackupTypeContext(reader: reader, path: path, baseDirectory: baseDirectory, node: node, fields: fields)
        guard var spec = typeParser.parse(context) else { return nil }
        if let size = fields["size"] { spec.size = parseSize(size, path: "\(path).size") }
        spec.maxAge = fields["max_age"].flatMap { reader.duration($0, "\(path).max_age") }
        spec.statusFile = fields["status_file"].flatMap { reader.nonEmptyString($0, "\(path).status_file") }
            .map { PathResolver.resolve($0, against: baseDirectory) }
        spec.tool = fields["tool"].flatMap { reader.nonEmptyString($0, "\(path).tool") } ?? spec.source.tool
        if let target = fields["target"].flatMap({ reader.nonEmptyString($0, "\(path).target") }) {
            if let colon = target.lastIndex(of: ":"), Int(target[target.index(after: colon)...]) != nil {
                spec.target = target
            } else {
                reader.report(
                    fields["target"], "\(path).target", "'\(target)' is not HOST:PORT of the backup target, e.g. backup.example.com:22")
            }
        }
        if let retry = fields["retry"].flatMap({ reader.stringList($0, "\(path).retry") }) {
            if retry.isEmpty || retry[0].isEmpty {
                reader.report(
                    fields["retry"], "\(path).retry", "give the command as a list of arguments, like [/usr/local/bin/backup-orders, --now]")
            } else {
                spec.retry = retry
            }
        }
        return spec
    }

    /// `backup.type: files`: a glob or `{date:…}` template, and where its checksum is kept.
    static func parseFiles(_ context: BackupTypeContext) -> BackupSpec? {
        let (reader, path, fields) = (context.reader, context.path, context.fields)
        let artifactPath = reader.nonEmptyString(
            reader.require(fields["path"], in: context.node, "\(path).path", "a glob or {date:…} template of the artifact files"),
            "\(path).path")
        if let artifactPath, let problem = DateTemplate.problem(in: artifactPath) {
            reader.report(fields["path"], "\(path).path", problem)
        }
        guard let artifactPath else { return nil }
        var spec = BackupSpec(path: PathResolver.resolve(artifactPath, against: context.baseDirectory))
        if let checksum = fields["checksum"] {
            spec.checksum =
                AssetParser(reader: reader, path: path, baseDirectory: context.baseDirectory)
                .parseChecksum(checksum, path: "\(path).checksum") ?? .none
        }
        return spec
    }

    func parseChecksum(_ node: Node, path: String) -> ChecksumPolicy? {
        if node.mapping != nil {
            guard let fields = reader.mapping(node, path, allowed: ["manifest"]),
                let manifest = reader.nonEmptyString(
                    reader.require(fields["manifest"], in: node, "\(path).manifest", "the manifest file"), "\(path).manifest")
            else { return nil }
            return .manifest(path: PathResolver.resolve(manifest, against: baseDirectory))
        }
        guard let text = reader.string(node, path) else { return nil }
        switch text {
        case "sidecar": return .sidecar
        case "none": return ChecksumPolicy.none
        default:
            reader.report(node, path, "'\(text)' is not a checksum policy; use sidecar, none, or {manifest: FILE}")
            return nil
        }
    }

    private func parseSize(_ node: Node, path: String) -> SizePolicy {
        guard let fields = reader.mapping(node, path, allowed: ["min", "max", "max_change"]) else { return SizePolicy() }
        let policy = SizePolicy(
            minBytes: fields["min"].flatMap { reader.bytes($0, "\(path).min") },
            maxBytes: fields["max"].flatMap { reader.bytes($0, "\(path).max") },
            maxChange: fields["max_change"].flatMap { reader.percent($0, "\(path).max_change") })
        if let min = policy.minBytes, let max = policy.maxBytes, min > max {
            reader.report(fields["max"], "\(path).max", "is smaller than min (\(ByteSize.format(max)) < \(ByteSize.format(min)))")
        }
        return policy
    }

    /// restic, borg and S3 restore by themselves (the tool's restore, S3's download), and
    /// `restore.postgres` replaces the command: then `command` is optional.
    private func parseRestore(_ node: Node, type: String) -> RestoreSpec? {
        let path = "\(path).restore"
        guard let fields = reader.mapping(node, path, allowed: ["command", "validate", "timeout", "postgres"]) else { return nil }
        let postgres = fields["postgres"].flatMap {
            PostgresConfigParser.parseRestore($0, path: "\(path).postgres", reader: reader, isDump: type != "pgbackrest")
        }
        if type == "pgbackrest", fields["postgres"] == nil {
            reader.report(
                node, "\(path).postgres",
                "is required for pgbackrest backups: they are restored into a throwaway cluster and checked with validate_sql")
        }
        let toolRestores = type != "files" || fields["postgres"] != nil
        let commandNode =
            toolRestores
            ? fields["command"]
            : reader.require(fields["command"], in: node, "\(path).command", "the restore command as a list of arguments")
        let command = commandNode == nil && toolRestores ? [] : reader.stringList(commandNode, "\(path).command")
        if let command, command.isEmpty, commandNode != nil {
            reader.report(
                fields["command"], "\(path).command", "must name a program, e.g. [\"tar\", \"-xzf\", \"{artifact}\", \"-C\", \"{scratch}\"]"
            )
        }
        let validate = fields["validate"].flatMap { reader.stringList($0, "\(path).validate") }
        let timeout = fields["timeout"].flatMap { reader.duration($0, "\(path).timeout") } ?? .seconds(600)
        guard let command, !command.isEmpty || toolRestores else { return nil }
        var spec = RestoreSpec(command: command, validate: validate, timeout: timeout)
        spec.postgres = postgres
        return spec
    }
}
