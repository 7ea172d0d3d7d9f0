import BackstopCore
import Foundation
import Yams

/// `backup.type: restic`: the repository, its password, optional environment file, snapshot
/// filters and how much data `restic check` reads.
enum ResticConfigParser {
    static let parser = BackupTypeParser(
        keys: ["repository", "password_file", "password_command", "environment_file", "host", "tags", "paths", "check"], parse: parse)

    static func parse(_ context: BackupTypeContext) -> BackupSpec? {
        let (reader, path, fields) = (context.reader, context.path, context.fields)
        let repository = context.repository()
        let password = context.password(fileKey: "password_file", commandKey: "password_command", required: true)
        var environmentFile: String?
        if fields["environment_file"] != nil, let file = context.readableFile("environment_file", what: "KEY=VALUE lines for restic") {
            do {
                _ = try ToolEnvironment.read(file: file)
                environmentFile = file
            } catch {
                reader.report(fields["environment_file"], "\(path).environment_file", error.message)
            }
        }
        let host = fields["host"].flatMap { reader.nonEmptyString($0, "\(path).host") }
        let tags = fields["tags"].flatMap { reader.stringList($0, "\(path).tags") } ?? []
        let paths = fields["paths"].flatMap { reader.stringList($0, "\(path).paths") } ?? []
        let subset = fields["check"].flatMap { parseCheck($0, context: context) }
        guard let repository, let password else { return nil }
        let source = ResticSource(
            repository: repository, password: password, environmentFile: environmentFile, host: host, tags: tags, paths: paths,
            readDataSubset: subset)
        var spec = BackupSpec(path: "restic repository \(ToolEnvironment.redacted(repository))")
        spec.source = .restic(source)
        return spec
    }

    /// `check: { read_data_subset: 10% }` or `{ read_data_subset: 2/5 }`.
    private static func parseCheck(_ node: Node, context: BackupTypeContext) -> DataSubset? {
        let path = "\(context.path).check"
        guard let fields = context.reader.mapping(node, path, allowed: ["read_data_subset"]),
            let subsetNode = fields["read_data_subset"]
        else { return nil }
        let key = "\(path).read_data_subset"
        if let text = subsetNode.string, let match = text.wholeMatch(of: #/\s*(\d+)\s*/\s*(\d+)\s*/#),
            let part = Int(match.output.1), let total = Int(match.output.2)
        {
            guard total >= 1, part >= 1, part <= total else {
                context.reader.report(subsetNode, key, "'\(text)' must be n/t with 1 ≤ n ≤ t, e.g. 1/10")
                return nil
            }
            return .part(part, of: total)
        }
        guard let share = context.reader.percent(subsetNode, key) else { return nil }
        guard share > 0, share <= 1 else {
            context.reader.report(subsetNode, key, "must be more than 0% and at most 100%")
            return nil
        }
        return .share(share)
    }
}
