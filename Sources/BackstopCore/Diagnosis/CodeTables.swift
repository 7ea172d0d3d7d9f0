/// The code tables of the vocabulary: standard codes (errno, SQLSTATE, MySQL error numbers, rsync
/// exit codes, pgBackRest error codes, HTTP statuses, storage API error codes) and the cause each
/// names. The tables are data (`Vocabulary/codes.json`, with their sources) compiled in by
/// `scripts/generate-vocabulary`; ``CodeExtractor`` finds the codes inside a line of output.
package enum CodeTables {
    /// The kinds of code, each read from the text in its own notation (see ``CodeExtractor``).
    package enum Kind: String, Sendable, CaseIterable {
        case errno, winsock, sqlstate, mysql, rsync, pgbackrest, http, cloud
    }

    /// What a code says on its own: a cause and how much that is worth.
    package struct Verdict: Sendable, Equatable {
        package var cause: FailureCause
        package var strength: DiagnosisRule.Strength
    }

    /// One known code: its standard name, and its verdict (nil when it names no cause, like
    /// ENOENT or pgBackRest's ArchiveTimeoutError, so it casts no vote).
    package struct CodeEntry: Sendable {
        package var name: String
        /// The standard message printed with the number (strerror's "No space left on device"), if any.
        package var message: String?
        package var verdict: Verdict?
    }

    package struct CodeTable: Sendable {
        package var kind: Kind
        /// How the evidence names the kind ("SQLSTATE", "MySQL error").
        package var label: String
        /// Where the codes come from.
        package var source: String
        package var entries: [String: CodeEntry]
    }

    /// Every table: the generated `systemCodes` and `webCodes` (Vocabulary/*CodesVocabulary.swift).
    package static let tables: [CodeTable] = systemCodes + webCodes

    /// The tables by kind.
    package static let byKind: [Kind: CodeTable] = Dictionary(tables.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })

    /// Entries looked up by their symbolic name (ENOSPC, WSAECONNREFUSED), for names printed without the number.
    package static let byName: [String: (Kind, String)] = {
        var names: [String: (Kind, String)] = [:]
        for table in tables where table.kind == .errno || table.kind == .winsock {
            for (code, entry) in table.entries where entry.name.hasPrefix("E") || entry.name.hasPrefix("WSAE") {
                names[entry.name] = (table.kind, code)
            }
        }
        return names
    }()

    package static func entry(_ kind: Kind, _ code: String) -> CodeEntry? {
        byKind[kind]?.entries[code]
    }
}
