/// Turns raw tool output into the lines the rules read, once, so no pattern has to allow for
/// doubled spaces, tabs or newlines escaped inside a JSON string or a `key="…\n…"` log field.
///
/// Each logical line keeps the index of the physical line it came from: evidence quotes the
/// physical line, so a human can find it in the output as printed.
package enum TextNormalizer {
    package struct Line: Sendable, Equatable {
        /// Whitespace collapsed, escapes expanded; what the rules match.
        package var text: String
        /// Index into ``Output/physical``.
        package var source: Int
    }

    package struct Output: Sendable {
        /// Trimmed non-empty lines as printed (the last 5,000: the failure is at the end).
        package var physical: [String]
        package var logical: [Line]
    }

    package static func normalize(_ output: String) -> Output {
        let physical = output.split(whereSeparator: \.isNewline).suffix(5_000)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var logical: [Line] = []
        logical.reserveCapacity(physical.count)
        for (index, line) in physical.enumerated() {
            for fragment in fragments(of: line) {
                let text = collapse(fragment)
                if !text.isEmpty { logical.append(Line(text: text, source: index)) }
            }
        }
        return Output(physical: Array(physical), logical: logical)
    }

    /// Splits a line at escaped newlines (`\n`, `\r\n`) as written inside JSON strings and quoted
    /// log fields (Velero's `stderr=…\n…`, Ansible's `"stderr": "…"`); `\t` and `\"` become plain.
    static func fragments(of line: String) -> [String] {
        guard line.contains("\\") else { return [line] }
        var parts: [String] = []
        var current = ""
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            guard character == "\\" else {
                current.append(character)
                continue
            }
            switch iterator.next() {
            case "n", "r":
                parts.append(current)
                current = ""
            case "t": current.append(" ")
            case "\"": current.append("\"")
            case let next?:
                current.append("\\")
                current.append(next)
            case nil: current.append("\\")
            }
        }
        parts.append(current)
        return parts
    }

    /// Runs of spaces and tabs become one space, so "Access  is denied" reads as printed once.
    static func collapse(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for character in text {
            if character == " " || character == "\t" {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(character)
            }
        }
        return result
    }
}
