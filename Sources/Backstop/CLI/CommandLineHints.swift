/// Mistakes on the command line that swift-argument-parser reports in its own terms, said in
/// the user's: a mistyped subcommand gets the nearest name, a negative count is named as such
/// (the parser would read `-3` as an option and say the value is missing).
package enum CommandLineHints {
    /// Options whose values are counts.
    static let countOptions: Set<String> = ["--limit"]

    package static func problem(in arguments: [String], subcommands: [String]) -> String? {
        if let first = arguments.first, !first.hasPrefix("-"), !subcommands.contains(first), first != "help" {
            let hint = ConfigReader.closest(to: first, in: subcommands).map { "; did you mean '\($0)'?" } ?? ""
            return "'\(first)' is not a backstop command\(hint) See 'backstop --help' for the commands."
        }
        for (index, argument) in arguments.enumerated() where countOptions.contains(argument) {
            guard index + 1 < arguments.count else { continue }
            let value = arguments[index + 1]
            if value.hasPrefix("-"), Int(value) != nil {
                return "\(argument) must be a positive whole number, not \(value)"
            }
        }
        return nil
    }
}
