/// The part of JQL the fake understands: `field = value`, `field != value` and
/// `field in (a, b)` clauses joined by AND, with an optional ORDER BY, over project, labels,
/// status, key and issuetype. Anything else is refused the way Jira refuses a query it
/// cannot run.
struct JiraQuery {
    enum Operator {
        case equals, notEquals, oneOf
    }

    struct Clause {
        var field: String
        var op: Operator
        var values: [String]
    }

    var clauses: [Clause] = []
    var ordering: [(field: String, descending: Bool)] = []

    static let fields: Set<String> = ["project", "labels", "status", "key", "issuetype", "type"]

    /// Parses `text`; the error message is the one to answer with.
    init(_ text: String) throws(JiraQueryError) {
        var tokens = try Self.tokens(text)
        var orderTokens: [Token] = []
        if let orderIndex = tokens.indices.first(where: {
            tokens[$0].isWord("order") && tokens.indices.contains($0 + 1) && tokens[$0 + 1].isWord("by")
        }) {
            orderTokens = Array(tokens[(orderIndex + 2)...])
            tokens = Array(tokens[..<orderIndex])
        }
        guard !tokens.isEmpty else {
            throw JiraQueryError(message: "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.")
        }
        var position = 0
        while position < tokens.count {
            guard case .word(let rawField) = tokens[position] else { throw Self.expecting("a field name", tokens[position]) }
            let field = rawField.lowercased()
            guard Self.fields.contains(field) else {
                throw JiraQueryError(message: "Field '\(rawField)' does not exist or you do not have permission to view it.")
            }
            position += 1
            guard position < tokens.count else {
                throw JiraQueryError(message: "Error in the JQL Query: Expecting operator after '\(rawField)'.")
            }
            let op: Operator
            switch tokens[position] {
            case .symbol("="): op = .equals
            case .symbol("!="): op = .notEquals
            case let token where token.isWord("in"): op = .oneOf
            case let token: throw Self.expecting("an operator", token)
            }
            position += 1
            var values: [String] = []
            if op == .oneOf {
                guard position < tokens.count, tokens[position] == .symbol("(") else {
                    throw JiraQueryError(message: "Error in the JQL Query: Expecting '(' after 'in'.")
                }
                position += 1
                while position < tokens.count, tokens[position] != .symbol(")") {
                    guard let value = tokens[position].value else { throw Self.expecting("a value", tokens[position]) }
                    values.append(value)
                    position += 1
                    if position < tokens.count, tokens[position] == .symbol(",") { position += 1 }
                }
                guard position < tokens.count else { throw JiraQueryError(message: "Error in the JQL Query: Expecting ')'.") }
                position += 1
            } else {
                guard position < tokens.count, let value = tokens[position].value else {
                    throw JiraQueryError(message: "Error in the JQL Query: Expecting a value after the operator.")
                }
                values = [value]
                position += 1
            }
            clauses.append(Clause(field: field == "type" ? "issuetype" : field, op: op, values: values))
            if position < tokens.count {
                guard tokens[position].isWord("and") else { throw Self.expecting("AND or ORDER BY", tokens[position]) }
                position += 1
                guard position < tokens.count else {
                    throw JiraQueryError(message: "Error in the JQL Query: Expecting a clause after AND.")
                }
            }
        }
        ordering = try Self.ordering(orderTokens)
    }

    func matches(_ issue: JiraIssue) -> Bool {
        clauses.allSatisfy { clause in
            let candidates: [String]
            switch clause.field {
            case "project": candidates = [issue.projectKey]
            case "labels": candidates = issue.labels
            case "status": candidates = [issue.status]
            case "key": candidates = [issue.key]
            default: candidates = [issue.issueType]
            }
            // Jira compares these case-insensitively, labels excepted.
            let equal: (String, String) -> Bool = clause.field == "labels" ? { $0 == $1 } : { $0.lowercased() == $1.lowercased() }
            let hit = candidates.contains { candidate in clause.values.contains { equal(candidate, $0) } }
            return clause.op == .notEquals ? !hit : hit
        }
    }

    func sorted(_ issues: [JiraIssue]) -> [JiraIssue] {
        guard let first = ordering.first else { return issues }
        let ascending = issues.sorted { left, right in
            switch first.field {
            case "created", "key", "id": (Int(left.id) ?? 0) < (Int(right.id) ?? 0)
            case "summary": left.summary < right.summary
            default: left.status < right.status
            }
        }
        return first.descending ? ascending.reversed() : ascending
    }

    private static func ordering(_ tokens: [Token]) throws(JiraQueryError) -> [(field: String, descending: Bool)] {
        var result: [(field: String, descending: Bool)] = []
        var position = 0
        while position < tokens.count {
            guard case .word(let field) = tokens[position] else { throw expecting("a field to order by", tokens[position]) }
            position += 1
            var descending = false
            if position < tokens.count, tokens[position].isWord("asc") || tokens[position].isWord("desc") {
                descending = tokens[position].isWord("desc")
                position += 1
            }
            result.append((field.lowercased(), descending))
            if position < tokens.count {
                guard tokens[position] == .symbol(",") else { throw expecting("',' or the end of the query", tokens[position]) }
                position += 1
            }
        }
        return result
    }

    enum Token: Equatable {
        case word(String)
        case quoted(String)
        case symbol(String)

        func isWord(_ word: String) -> Bool {
            if case .word(let text) = self { return text.lowercased() == word }
            return false
        }

        var value: String? {
            switch self {
            case .word(let text), .quoted(let text): text
            case .symbol: nil
            }
        }

        var text: String {
            switch self {
            case .word(let text), .symbol(let text): text
            case .quoted(let text): "\"\(text)\""
            }
        }
    }

    private static func expecting(_ what: String, _ token: Token) -> JiraQueryError {
        JiraQueryError(message: "Error in the JQL Query: Expecting \(what) but got '\(token.text)'.")
    }

    private static func tokens(_ text: String) throws(JiraQueryError) -> [Token] {
        var tokens: [Token] = []
        var characters = Substring(text)
        while let first = characters.first {
            if first.isWhitespace {
                characters.removeFirst()
            } else if first == "\"" || first == "'" {
                characters.removeFirst()
                var value = ""
                var closed = false
                while let next = characters.popFirst() {
                    if next == "\\", let escaped = characters.popFirst() {
                        value.append(escaped)
                    } else if next == first {
                        closed = true
                        break
                    } else {
                        value.append(next)
                    }
                }
                guard closed else {
                    throw JiraQueryError(message: "Error in the JQL Query: The quoted string '\(value)' has not been completed.")
                }
                tokens.append(.quoted(value))
            } else if characters.hasPrefix("!=") {
                characters.removeFirst(2)
                tokens.append(.symbol("!="))
            } else if "=(),".contains(first) {
                characters.removeFirst()
                tokens.append(.symbol(String(first)))
            } else {
                let word = characters.prefix { !$0.isWhitespace && !"=!(),\"'".contains($0) }
                guard !word.isEmpty else {
                    throw JiraQueryError(message: "Error in the JQL Query: The character '\(first)' is a reserved JQL character.")
                }
                characters.removeFirst(word.count)
                tokens.append(.word(String(word)))
            }
        }
        return tokens
    }
}

struct JiraQueryError: Error {
    var message: String
}
