/// Converts the Markdown Backstop writes (incident reports and comments) to Atlassian Document
/// Format for Jira REST v3, which refuses plain strings there.
///
/// Only what reports use is understood: ATX headings, paragraphs, bullet and numbered lists
/// (nested by indentation), fenced code blocks, block quotes, rules and tables; inline code,
/// bold, italics, strike-through and links. ADF is stricter than Markdown about nesting
/// (no headings in list items, no tables at all here), so what does not fit is written in the
/// nearest allowed form rather than dropped: a heading inside a list becomes bold text, a table
/// becomes a code block that keeps its columns aligned.
package enum MarkdownToADF {
    package static func document(_ markdown: String) -> ADFDocument {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        return ADFDocument(content: MarkdownBlockParser(lines: lines).blocks(nested: false))
    }

    /// The inline content of one line or paragraph.
    package static func inlines(_ text: String) -> [ADFNode] {
        MarkdownInlineParser(text).nodes()
    }
}

/// Splits lines into ADF block nodes. `nested` is true inside list items and quotes, where ADF
/// allows only paragraphs, lists and code blocks.
struct MarkdownBlockParser {
    var lines: [String]

    func blocks(nested: Bool) -> [ADFNode] {
        var result: [ADFNode] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingLeadingSpaces()
            if trimmed.isEmpty {
                index += 1
            } else if let fence = Self.fence(trimmed) {
                index = codeBlock(from: index, fence: fence, into: &result)
            } else if let (level, text) = Self.heading(trimmed) {
                let inlines = MarkdownToADF.inlines(text)
                result.append(nested ? .paragraph(inlines.map { $0.adding(.strong) }) : .heading(level, inlines))
                index += 1
            } else if Self.isRule(trimmed) {
                if !nested { result.append(.rule) }
                index += 1
            } else if trimmed.hasPrefix(">") {
                index = quote(from: index, nested: nested, into: &result)
            } else if trimmed.hasPrefix("|") {
                var table: [String] = []
                while index < lines.count, lines[index].trimmingLeadingSpaces().hasPrefix("|") {
                    table.append(lines[index].trimmingLeadingSpaces())
                    index += 1
                }
                result.append(.codeBlock(table.joined(separator: "\n"), language: nil))
            } else if let marker = ListMarker(line) {
                index = list(from: index, first: marker, into: &result)
            } else {
                index = paragraph(from: index, into: &result)
            }
        }
        return result
    }

    private func codeBlock(from start: Int, fence: (marker: String, language: String?), into result: inout [ADFNode]) -> Int {
        var index = start + 1
        var code: [String] = []
        while index < lines.count {
            let trimmed = lines[index].trimmingLeadingSpaces()
            if trimmed.hasPrefix(fence.marker), trimmed.allSatisfy({ $0 == fence.marker.first || $0 == " " }) {
                index += 1
                break
            }
            code.append(lines[index])
            index += 1
        }
        result.append(.codeBlock(code.joined(separator: "\n"), language: fence.language))
        return index
    }

    private func quote(from start: Int, nested: Bool, into result: inout [ADFNode]) -> Int {
        var index = start
        var inner: [String] = []
        while index < lines.count {
            var trimmed = Substring(lines[index].trimmingLeadingSpaces())
            guard trimmed.hasPrefix(">") else { break }
            trimmed = trimmed.dropFirst()
            if trimmed.hasPrefix(" ") { trimmed = trimmed.dropFirst() }
            inner.append(String(trimmed))
            index += 1
        }
        let blocks = MarkdownBlockParser(lines: inner).blocks(nested: true)
        // A quote cannot hold a quote, nor sit in a list item: its blocks stand on their own there.
        if nested {
            result += blocks
        } else if !blocks.isEmpty {
            result.append(.blockquote(blocks))
        }
        return index
    }

    private func list(from start: Int, first: ListMarker, into result: inout [ADFNode]) -> Int {
        var index = start
        var items: [[String]] = []
        while index < lines.count {
            let line = lines[index]
            if let marker = ListMarker(line), marker.indent <= first.indent {
                guard marker.ordered == first.ordered else { break }
                items.append([marker.text])
                index += 1
                continue
            }
            if line.trimmingLeadingSpaces().isEmpty {
                // A blank line ends the list unless the list or the item goes on after it.
                guard let next = lines[(index + 1)...].firstIndex(where: { !$0.trimmingLeadingSpaces().isEmpty }) else { break }
                let indent = lines[next].leadingSpaces
                let continues =
                    indent > first.indent
                    || ListMarker(lines[next]).map { $0.indent <= first.indent && $0.ordered == first.ordered } == true
                guard continues else { break }
                items[items.count - 1].append("")
                index += 1
                continue
            }
            guard line.leadingSpaces > first.indent else { break }
            items[items.count - 1].append(String(line.dropFirst(min(line.leadingSpaces, first.contentIndent))))
            index += 1
        }
        let blocks = items.map { item -> [ADFNode] in
            let content = MarkdownBlockParser(lines: item).blocks(nested: true)
            return content.isEmpty ? [.paragraph([])] : content
        }
        result.append(.list(ordered: first.ordered, items: blocks))
        return index
    }

    private func paragraph(from start: Int, into result: inout [ADFNode]) -> Int {
        var index = start
        var inlines: [ADFNode] = []
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingLeadingSpaces()
            if index > start, Self.startsBlock(line) { break }
            if trimmed.isEmpty { break }
            if !inlines.isEmpty { inlines.append(lines[index - 1].hasSuffix("  ") ? .hardBreak : .text(" ")) }
            inlines += MarkdownToADF.inlines(trimmed.trimmingTrailingSpaces())
            index += 1
        }
        result.append(.paragraph(ADFNode.merged(inlines)))
        return index
    }

    static func startsBlock(_ line: String) -> Bool {
        let trimmed = line.trimmingLeadingSpaces()
        return fence(trimmed) != nil || heading(trimmed) != nil || isRule(trimmed) || trimmed.hasPrefix(">") || trimmed.hasPrefix("|")
            || ListMarker(line) != nil
    }

    /// "```swift" → ("```", "swift").
    static func fence(_ trimmed: String) -> (marker: String, language: String?)? {
        for character in ["`", "~"] as [Character] {
            let run = trimmed.prefix { $0 == character }
            if run.count >= 3 {
                let language = trimmed.dropFirst(run.count).trimmingLeadingSpaces().trimmingTrailingSpaces()
                return (String(run), language.isEmpty ? nil : language)
            }
        }
        return nil
    }

    static func heading(_ trimmed: String) -> (Int, String)? {
        let hashes = trimmed.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = trimmed.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        var text = rest.trimmingLeadingSpaces().trimmingTrailingSpaces()
        // A closing run of #s is decoration.
        while text.hasSuffix("#") { text.removeLast() }
        return (hashes, text.trimmingTrailingSpaces())
    }

    static func isRule(_ trimmed: String) -> Bool {
        guard let first = trimmed.first, "-*_".contains(first) else { return false }
        let marks = trimmed.filter { $0 != " " }
        return marks.count >= 3 && marks.allSatisfy { $0 == first }
    }
}

/// A list item's marker: `- `, `* `, `+ `, `1. ` or `1) `.
struct ListMarker {
    var indent: Int
    var ordered: Bool
    /// Where the item's text starts; continuation lines are indented this far.
    var contentIndent: Int
    var text: String

    init?(_ line: String) {
        let indent = line.leadingSpaces
        let rest = line.dropFirst(indent)
        let marker: Substring
        if let first = rest.first, "-*+".contains(first) {
            marker = rest.prefix(1)
            ordered = false
        } else {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard (1...9).contains(digits.count), let after = rest.dropFirst(digits.count).first, after == "." || after == ")" else {
                return nil
            }
            marker = rest.prefix(digits.count + 1)
            ordered = true
        }
        let afterMarker = rest.dropFirst(marker.count)
        guard afterMarker.isEmpty || afterMarker.first == " " else { return nil }
        // "---" is a rule, not an empty item followed by dashes.
        if !ordered, MarkdownBlockParser.isRule(String(rest)) { return nil }
        self.indent = indent
        contentIndent = indent + marker.count + 1
        text = afterMarker.trimmingLeadingSpaces()
    }
}

extension StringProtocol {
    var leadingSpaces: Int { prefix { $0 == " " }.count }

    func trimmingLeadingSpaces() -> String { String(drop { $0 == " " || $0 == "\t" }) }

    func trimmingTrailingSpaces() -> String {
        var text = String(self)
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}

extension ADFNode {
    /// The node with `mark` added to its text, where ADF allows it (code takes only links).
    func adding(_ mark: Mark) -> ADFNode {
        guard type == "text" else { return self }
        var current = marks ?? []
        guard !current.contains(where: { $0.type == mark.type }), !current.contains(where: { $0.type == "code" }) else { return self }
        current.append(mark)
        var node = self
        node.marks = current
        return node
    }

    /// Adjacent text nodes with the same marks joined, empty ones dropped.
    static func merged(_ nodes: [ADFNode]) -> [ADFNode] {
        var result: [ADFNode] = []
        for node in nodes {
            if node.type == "text", node.text?.isEmpty ?? true { continue }
            if node.type == "text", let last = result.last, last.type == "text", last.marks == node.marks {
                result[result.count - 1].text = (last.text ?? "") + (node.text ?? "")
            } else {
                result.append(node)
            }
        }
        return result
    }
}
