/// Everything wrong with a configuration file, collected rather than stopping at the first.
package struct ConfigurationError: Error, CustomStringConvertible {
    /// One problem: where it is, what is wrong, and what to do.
    package struct Problem: Sendable, Equatable, CustomStringConvertible {
        package var line: Int?
        package var column: Int?
        /// Key path like `assets[0].backup.size.min`.
        package var keyPath: String
        package var message: String

        package var description: String {
            let location = line.map { ":\($0)" + (column.map { ":\($0)" } ?? "") } ?? ""
            return "\(location): \(keyPath.isEmpty ? "" : "\(keyPath): ")\(message)"
        }
    }

    package var file: String
    package var problems: [Problem]

    package var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "configuration \(file) has \(count):\n"
            + problems.map { "  \(file)\($0.description)" }.joined(separator: "\n")
    }
}
