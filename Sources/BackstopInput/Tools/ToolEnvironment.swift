import BackstopCore
import Foundation

/// Builds the environment a backup tool receives: its repository, where its password comes
/// from and any KEY=VALUE lines of an environment file. Values are never logged or shown.
package enum ToolEnvironment {
    /// Reads `KEY=VALUE` lines (blank lines and `#` comments skipped, `export ` allowed, one
    /// level of quotes removed), as systemd's EnvironmentFile and docker's --env-file read them.
    package static func read(file path: String?) throws(InspectionError) -> [String: String] {
        guard let path else { return [:] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InspectionError("cannot read the environment file \(path); check that it exists and Backstop's user may read it")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    package static func parse(_ text: String, file: String) throws(InspectionError) -> [String: String] {
        var values: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
                // The line may hold a secret: name the line, never quote it.
                throw InspectionError("\(file) line \(index + 1) is not KEY=VALUE")
            }
            let key = String(line[..<equals])
            guard key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw InspectionError("\(file) line \(index + 1): '\(key)' is not an environment variable name")
            }
            var value = String(line[line.index(after: equals)...])
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }

    /// Joins an argv into one string for tools that split a password command themselves
    /// (RESTIC_PASSWORD_COMMAND, BORG_PASSCOMMAND): every argument quoted, so spaces survive.
    package static func commandLine(_ argv: [String]) -> String {
        argv.map { "'" + $0.replacingOccurrences(of: "'", with: #"'"'"'"#) + "'" }.joined(separator: " ")
    }

    /// A repository string for evidence: the password of a `user:password@` URL replaced.
    package static func redacted(_ repository: String) -> String {
        repository.replacing(#/://([^:/@]+):[^@/]*@/#) { "://\($0.output.1):***@" }
    }
}
