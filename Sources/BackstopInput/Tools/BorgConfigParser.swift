import BackstopCore
import Foundation
import Yams

/// `backup.type: borg`: the repository, its passphrase (none for unencrypted repositories),
/// which archives belong to the asset and how deep `borg check` goes.
enum BorgConfigParser {
    static let parser = BackupTypeParser(keys: ["repository", "passphrase_file", "passcommand", "archive_glob", "check"], parse: parse)

    static func parse(_ context: BackupTypeContext) -> BackupSpec? {
        let (reader, path, fields) = (context.reader, context.path, context.fields)
        let repository = context.repository()
        let passphrase = context.password(fileKey: "passphrase_file", commandKey: "passcommand", required: false)
        let glob = fields["archive_glob"].flatMap { reader.nonEmptyString($0, "\(path).archive_glob") }
        var verifyData = false
        if let check = fields["check"], let checkFields = reader.mapping(check, "\(path).check", allowed: ["verify_data"]) {
            verifyData = checkFields["verify_data"].flatMap { reader.bool($0, "\(path).check.verify_data") } ?? false
        }
        guard let repository else { return nil }
        var spec = BackupSpec(path: "borg repository \(ToolEnvironment.redacted(repository))")
        spec.source = .borg(BorgSource(repository: repository, passphrase: passphrase, archiveGlob: glob, verifyData: verifyData))
        return spec
    }
}
