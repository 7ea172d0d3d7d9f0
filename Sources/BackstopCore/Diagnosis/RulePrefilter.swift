import Foundation

/// Which rules can match a line at all, found before any regular expression runs.
///
/// Each top-level alternative of a rule's pattern must contain some literal text (the longest run
/// of plain characters outside groups, classes and optional parts: "no space left",
/// "_cap_exceeded"). A rule whose alternatives all have one is checked only on lines that contain
/// one of them (``LiteralSearch``); a rule with an alternative that has none is always checked.
struct RulePrefilter: Sendable {
    /// One top-level alternative of a rule's pattern.
    private struct Alternative: Sendable {
        var rule: Int
        /// Its own expression; nil when the alternative is plain text, so finding it is the match.
        var regex: NSRegularExpression?
    }

    private let alternatives: [Alternative]
    private let search: LiteralSearch
    /// Alternatives without a literal, checked on every line.
    private let always: [Int]
    private let ruleCount: Int

    init(rules: [DiagnosisRule]) {
        var alternatives: [Alternative] = []
        var literals: [String] = []
        var ids: [Int] = []
        var always: [Int] = []
        for (index, rule) in rules.enumerated() {
            for text in Self.alternatives(of: rule.pattern.pattern) {
                let literal = Self.requiredLiteral(text)
                let plain = literal != nil && !text.contains(where: { "\\[](){}.^$?*+|".contains($0) })
                // An alternative that does not compile alone (it always should) falls back to the whole rule.
                let regex = plain ? nil : (try? NSRegularExpression(pattern: text, options: [.caseInsensitive])) ?? rule.pattern
                if let literal {
                    literals.append(literal)
                    ids.append(alternatives.count)
                } else {
                    always.append(alternatives.count)
                }
                alternatives.append(Alternative(rule: index, regex: regex))
            }
        }
        self.alternatives = alternatives
        search = LiteralSearch(literals: literals, ids: ids)
        self.always = always
        ruleCount = rules.count
    }

    /// Indices of the rules that match `line`, in table order.
    func matchingRules(_ line: String) -> [Int] {
        var candidate = always
        search.search(line) { candidate.append($0) }
        guard !candidate.isEmpty else { return [] }
        var matched = Array(repeating: false, count: ruleCount)
        let range = NSRange(line.startIndex..., in: line)
        for index in candidate {
            let alternative = alternatives[index]
            guard !matched[alternative.rule] else { continue }
            if alternative.regex?.firstMatch(in: line, range: range) != nil || alternative.regex == nil { matched[alternative.rule] = true }
        }
        return matched.indices.filter { matched[$0] }
    }

    /// The pattern split at its top-level `|`.
    static func alternatives(of pattern: String) -> [String] {
        let characters = Array(pattern)
        var parts: [String] = []
        var current = ""
        var depth = 0
        var inClass = false
        var index = 0
        while index < characters.count {
            let character = characters[index]
            index += 1
            if character == "\\", index < characters.count {
                current.append(character)
                current.append(characters[index])
                index += 1
                continue
            }
            if inClass {
                if character == "]" { inClass = false }
            } else if character == "[" {
                inClass = true
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
            } else if character == "|", depth == 0 {
                parts.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }

    /// The longest literal (≥ 3 ASCII characters) every match of `alternative` contains, lower-cased; nil when there is none.
    static func requiredLiteral(_ alternative: String) -> String? {
        var runs: [String] = []
        var current = ""
        var depth = 0
        var inClass = false
        let characters = Array(alternative)
        var index = 0
        func endRun() {
            if !current.isEmpty { runs.append(current) }
            current = ""
        }
        while index < characters.count {
            let character = characters[index]
            index += 1
            if inClass {
                if character == "\\" { index += 1 } else if character == "]" { inClass = false }
                continue
            }
            switch character {
            case "\\":
                guard index < characters.count else { return nil }
                let next = characters[index]
                index += 1
                if next.isLetter || next.isNumber {
                    endRun()  // \b \d \w \s \n …: a class or an anchor, not a literal
                } else if depth == 0 {
                    current.append(next)
                }
            case "[":
                inClass = true
                endRun()
            case "(":
                depth += 1
                endRun()
            case ")":
                depth -= 1
                endRun()
            case ".", "^", "$":
                endRun()
            case "?", "*", "{":
                // The preceding character may be absent: it leaves the run.
                if !current.isEmpty { current.removeLast() }
                endRun()
                while character == "{", index < characters.count, characters[index] != "}" { index += 1 }
                if character == "{" { index += 1 }
            case "+":
                endRun()
            default:
                if depth == 0 { current.append(character) }
            }
        }
        endRun()
        let usable = runs.filter { $0.count >= 3 && $0.allSatisfy(\.isASCII) }
        return usable.max { $0.count < $1.count }?.lowercased()
    }
}
