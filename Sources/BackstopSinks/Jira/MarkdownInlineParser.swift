/// Inline Markdown (code spans, `**bold**`, `*italics*`, `~~strike~~`, `[links](url)`, `<url>`
/// and bare `https://` links) as ADF text nodes with marks. A delimiter without its closing
/// partner is kept as text, so nothing a report says is lost. Underscores only emphasise at word
/// boundaries: asset and cause names such as `disk_full` are full of them.
struct MarkdownInlineParser {
    private let characters: [Character]

    init(_ text: String) {
        characters = Array(text)
    }

    func nodes() -> [ADFNode] {
        ADFNode.merged(parse(0..<characters.count, marks: []))
    }

    private func parse(_ range: Range<Int>, marks: [ADFNode.Mark]) -> [ADFNode] {
        var result: [ADFNode] = []
        var text = ""
        var index = range.lowerBound
        func flush() {
            if !text.isEmpty { result.append(.text(text, marks: marks)) }
            text = ""
        }
        while index < range.upperBound {
            let character = characters[index]
            if character == "\\", index + 1 < range.upperBound, characters[index + 1].isPunctuation || characters[index + 1].isSymbol {
                text.append(characters[index + 1])
                index += 2
            } else if character == "`", let (code, end) = codeSpan(at: index, limit: range.upperBound) {
                flush()
                let link = marks.filter { $0.type == "link" }
                if !code.isEmpty { result.append(.text(code, marks: [.code] + link)) }
                index = end
            } else if let (delimiter, mark) = emphasis(at: index, in: range),
                let close = closing(delimiter, after: index + delimiter.count, limit: range.upperBound)
            {
                flush()
                let inner = (index + delimiter.count)..<close
                result += marks.contains { $0.type == mark.type } ? parse(inner, marks: marks) : parse(inner, marks: marks + [mark])
                index = close + delimiter.count
            } else if character == "[", let (label, href, end) = link(at: index, limit: range.upperBound) {
                flush()
                let linked = marks.contains { $0.type == "link" } ? marks : marks + [.link(href)]
                result += parse(label, marks: linked)
                index = end
            } else if character == "<", let (href, end) = autolink(at: index, limit: range.upperBound) {
                flush()
                result.append(.text(href, marks: marks.contains { $0.type == "link" } ? marks : marks + [.link(href)]))
                index = end
            } else if !marks.contains(where: { $0.type == "link" }), let (href, end) = bareURL(at: index, limit: range.upperBound) {
                flush()
                result.append(.text(href, marks: marks + [.link(href)]))
                index = end
            } else {
                text.append(character)
                index += 1
            }
        }
        flush()
        return result
    }

    private func string(_ range: Range<Int>) -> String { String(characters[range]) }

    private func matches(_ token: String, at index: Int, limit: Int) -> Bool {
        let token = Array(token)
        guard index + token.count <= limit else { return false }
        return Array(characters[index..<(index + token.count)]) == token
    }

    private func isWordCharacter(_ index: Int) -> Bool {
        guard characters.indices.contains(index) else { return false }
        return characters[index].isLetter || characters[index].isNumber
    }

    /// A run of n backticks up to the next run of exactly n.
    private func codeSpan(at index: Int, limit: Int) -> (String, Int)? {
        var count = 0
        while index + count < limit, characters[index + count] == "`" { count += 1 }
        var search = index + count
        while search < limit {
            guard characters[search] == "`" else {
                search += 1
                continue
            }
            var run = 0
            while search + run < limit, characters[search + run] == "`" { run += 1 }
            if run == count {
                var code = string((index + count)..<search)
                if code.count > 2, code.hasPrefix(" "), code.hasSuffix(" ") { code = String(code.dropFirst().dropLast()) }
                return (code, search + run)
            }
            search += run
        }
        return nil
    }

    /// The emphasis delimiter opening at `index`, if it can open there.
    private func emphasis(at index: Int, in range: Range<Int>) -> (String, ADFNode.Mark)? {
        let candidates: [(String, ADFNode.Mark)] = [("**", .strong), ("__", .strong), ("~~", .strike), ("*", .em), ("_", .em)]
        for (delimiter, mark) in candidates where matches(delimiter, at: index, limit: range.upperBound) {
            let after = index + delimiter.count
            // An opener is followed by text, and underscores do not open inside a word.
            guard after < range.upperBound, !characters[after].isWhitespace, characters[after] != delimiter.first else { return nil }
            if delimiter.hasPrefix("_"), isWordCharacter(index - 1) { return nil }
            return (delimiter, mark)
        }
        return nil
    }

    private func closing(_ delimiter: String, after start: Int, limit: Int) -> Int? {
        var index = start + 1
        while index + delimiter.count <= limit {
            if characters[index] == "`", let (_, end) = codeSpan(at: index, limit: limit) {
                index = end
                continue
            }
            if matches(delimiter, at: index, limit: limit), !characters[index - 1].isWhitespace {
                let after = index + delimiter.count
                let doubled = after < limit && characters[after] == delimiter.first
                let wordAfter = delimiter.hasPrefix("_") && isWordCharacter(after)
                if !doubled || delimiter.count == 2, !wordAfter { return index }
            }
            index += 1
        }
        return nil
    }

    /// `[label](href)` → the label's range, the href and where the link ends.
    private func link(at index: Int, limit: Int) -> (Range<Int>, String, Int)? {
        var depth = 0
        var close: Int?
        for position in index..<limit {
            if characters[position] == "[" { depth += 1 }
            if characters[position] == "]" {
                depth -= 1
                if depth == 0 {
                    close = position
                    break
                }
            }
        }
        guard let close, close + 1 < limit, characters[close + 1] == "(",
            let end = characters[(close + 2)..<limit].firstIndex(of: ")")
        else { return nil }
        let target = string((close + 2)..<end).trimmingLeadingSpaces()
        let href = String(target.prefix { $0 != " " })
        guard !href.isEmpty, close > index + 1 else { return nil }
        return ((index + 1)..<close, href, end + 1)
    }

    private func autolink(at index: Int, limit: Int) -> (String, Int)? {
        guard let end = characters[(index + 1)..<limit].firstIndex(of: ">") else { return nil }
        let href = string((index + 1)..<end)
        guard href.hasPrefix("http://") || href.hasPrefix("https://"), !href.contains(" ") else { return nil }
        return (href, end + 1)
    }

    private func bareURL(at index: Int, limit: Int) -> (String, Int)? {
        guard matches("http://", at: index, limit: limit) || matches("https://", at: index, limit: limit), !isWordCharacter(index - 1)
        else { return nil }
        var end = index
        while end < limit, !characters[end].isWhitespace, !"<>\"`".contains(characters[end]) { end += 1 }
        // Sentence punctuation after a link is not part of it.
        while end > index, ".,;:!?)".contains(characters[end - 1]) { end -= 1 }
        let href = string(index..<end)
        return href.count > "https://".count ? (href, end) : nil
    }
}
