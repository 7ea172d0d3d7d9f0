/// Finds standard codes inside one normalised line of output, each in its own notation, and
/// looks them up in ``CodeTables``: an errno (`[Errno 28]`, `errno: 13`, rsync's
/// `No space left on device (28)`, a name like `ENOSPC`), a Winsock code, a SQLSTATE, a MySQL
/// error number, rsync's `(code 30)`, pgBackRest's `ERROR: [050]`, an HTTP status and a storage
/// API error code (`AccessDenied`, `userRateLimitExceeded`, `storage_cap_exceeded`).
///
/// Only codes the tables know are returned, so a number that merely looks like a code (a year, a
/// count) is ignored unless it is written in that code's notation.
package enum CodeExtractor {
    package struct Found: Sendable, Equatable {
        package var kind: CodeTables.Kind
        package var code: String

        package var entry: CodeTables.CodeEntry? { CodeTables.entry(kind, code) }

        /// How the evidence names it: "SQLSTATE 28P01 invalid_password".
        package var description: String {
            guard let table = CodeTables.byKind[kind], let entry else { return "\(kind.rawValue) \(code)" }
            return entry.name == code ? "\(table.label) \(code)" : "\(table.label) \(code) \(entry.name)"
        }
    }

    package static func codes(in line: String) -> [Found] {
        var scan = Scan(line)
        scan.numbers()
        scan.sqlstates()
        scan.names()
        return scan.found
    }

}
