import BackstopCore
import Foundation
import Yams

/// `backup.type: pgbackrest`: the stanza, pgBackRest's configuration file and repository,
/// and whether `pgbackrest verify` runs too.
enum PgBackRestConfigParser {
    static let parser = BackupTypeParser(keys: ["stanza", "config", "repo", "check"], parse: parse)

    static func parse(_ context: BackupTypeContext) -> BackupSpec? {
        let (reader, path, fields) = (context.reader, context.path, context.fields)
        let stanza = reader.nonEmptyString(
            reader.require(fields["stanza"], in: context.node, "\(path).stanza", "the pgBackRest stanza (its [name] in pgbackrest.conf)"),
            "\(path).stanza")
        let config = fields["config"] == nil ? nil : context.readableFile("config", what: "pgBackRest's configuration file")
        let repo = fields["repo"].flatMap { reader.int($0, "\(path).repo", atLeast: 1) }
        var verify = false
        if let check = fields["check"], let checkFields = reader.mapping(check, "\(path).check", allowed: ["verify"]) {
            verify = checkFields["verify"].flatMap { reader.bool($0, "\(path).check.verify") } ?? false
        }
        guard let stanza else { return nil }
        var spec = BackupSpec(path: "pgbackrest stanza \(stanza)")
        spec.source = .pgbackrest(PgBackRestSource(stanza: stanza, config: config, repo: repo, verify: verify))
        return spec
    }
}
