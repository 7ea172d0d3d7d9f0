import BackstopCore
import Foundation
import Yams

/// Parses the keys of one `backup.type` into a spec; the keys every type shares (size,
/// max_age, retry, …) are parsed by ``AssetParser``.
struct BackupTypeParser: Sendable {
    /// The keys this type adds to the shared ones.
    var keys: [String]
    var parse: @Sendable (BackupTypeContext) -> BackupSpec?
}

/// What a type parser reads from: the asset's `backup` mapping and where it is.
struct BackupTypeContext {
    let reader: ConfigReader
    /// `assets[3].backup`, for error messages.
    let path: String
    let baseDirectory: String
    let node: Node?
    let fields: [String: Node]

    /// A readable file the tool will read (a password file), resolved against the config's
    /// directory; a problem names the key.
    func readableFile(_ key: String, what: String) -> String? {
        guard let node = fields[key], let value = reader.nonEmptyString(node, "\(path).\(key)") else { return nil }
        let resolved = PathResolver.resolve(value, against: baseDirectory)
        guard FileManager.default.isReadableFile(atPath: resolved) else {
            reader.report(
                node, "\(path).\(key)", "cannot read '\(resolved)' (\(what)); check that it exists and that Backstop's user may read it")
            return nil
        }
        return resolved
    }

    /// A command given as a list of arguments.
    func command(_ key: String) -> [String]? {
        guard let node = fields[key], let argv = reader.stringList(node, "\(path).\(key)") else { return nil }
        guard let first = argv.first, !first.isEmpty else {
            reader.report(node, "\(path).\(key)", "give the command as a list of arguments, like [pass, show, backups/restic]")
            return nil
        }
        return argv
    }

    /// Exactly one of a password file and a password command.
    func password(fileKey: String, commandKey: String, required: Bool) -> PasswordSource? {
        if fields[fileKey] != nil, fields[commandKey] != nil {
            reader.report(fields[commandKey], "\(path).\(commandKey)", "give either \(fileKey) or \(commandKey), not both")
            return nil
        }
        if fields[fileKey] != nil { return readableFile(fileKey, what: "the repository password").map(PasswordSource.file) }
        if fields[commandKey] != nil { return command(commandKey).map(PasswordSource.command) }
        if required {
            reader.report(node, "\(path).\(fileKey)", "is required (or \(commandKey)): where the tool reads the repository password")
        }
        return nil
    }

    /// A repository string: local paths are resolved against the config's directory; anything
    /// with a scheme (`sftp:`, `s3:`, `rest:`, `ssh://`) is kept as written.
    func repository() -> String? {
        let key = "repository"
        guard
            let value = reader.nonEmptyString(
                reader.require(fields[key], in: node, "\(path).\(key)", "the repository, a path or URL"), "\(path).\(key)")
        else { return nil }
        if value.wholeMatch(of: #/[a-zA-Z][a-zA-Z0-9+]*:.*/#) != nil, !value.hasPrefix("/") { return value }
        return PathResolver.resolve(value, against: baseDirectory)
    }
}
