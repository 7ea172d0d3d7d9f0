/// Atlassian Document Format, the rich-text JSON Jira REST v3 takes for descriptions and
/// comments. Only the nodes and marks ``MarkdownToADF`` produces are modelled; optional members
/// are left out of the JSON when nil, as Jira expects. Decoding is for recognising a comment an
/// earlier attempt posted; members Jira adds and this model lacks are ignored.
package struct ADFNode: Sendable, Equatable, Codable {
    package struct Attributes: Sendable, Equatable, Codable {
        var level: Int?
        var language: String?
    }

    package struct Mark: Sendable, Equatable, Codable {
        package struct Attributes: Sendable, Equatable, Codable {
            var href: String
        }

        var type: String
        var attrs: Attributes?

        static let strong = Mark(type: "strong")
        static let em = Mark(type: "em")
        static let code = Mark(type: "code")
        static let strike = Mark(type: "strike")
        static func link(_ href: String) -> Mark { Mark(type: "link", attrs: Attributes(href: href)) }
    }

    var type: String
    var attrs: Attributes?
    var content: [ADFNode]?
    var text: String?
    var marks: [Mark]?

    static func text(_ text: String, marks: [Mark] = []) -> ADFNode {
        ADFNode(type: "text", text: text, marks: marks.isEmpty ? nil : marks)
    }

    static let hardBreak = ADFNode(type: "hardBreak")
    static let rule = ADFNode(type: "rule")

    static func paragraph(_ inlines: [ADFNode]) -> ADFNode { ADFNode(type: "paragraph", content: inlines) }

    static func heading(_ level: Int, _ inlines: [ADFNode]) -> ADFNode {
        ADFNode(type: "heading", attrs: Attributes(level: min(max(level, 1), 6)), content: inlines)
    }

    /// Text in a code block cannot carry marks, and an empty text node is invalid.
    static func codeBlock(_ code: String, language: String?) -> ADFNode {
        ADFNode(
            type: "codeBlock", attrs: language.map { Attributes(language: $0) },
            content: code.isEmpty ? [] : [.text(code)])
    }

    static func list(ordered: Bool, items: [[ADFNode]]) -> ADFNode {
        ADFNode(type: ordered ? "orderedList" : "bulletList", content: items.map { ADFNode(type: "listItem", content: $0) })
    }

    static func blockquote(_ blocks: [ADFNode]) -> ADFNode { ADFNode(type: "blockquote", content: blocks) }
}

/// A whole document: `{"type": "doc", "version": 1, "content": [...]}`.
package struct ADFDocument: Sendable, Equatable, Codable {
    var type = "doc"
    var version = 1
    var content: [ADFNode]

    init(content: [ADFNode]) {
        // Jira refuses a document without content blocks in some places; an empty paragraph is valid.
        self.content = content.isEmpty ? [.paragraph([])] : content
    }

    /// Every text node's text, in order (marks and structure dropped).
    var text: String { content.map(\.allText).joined(separator: "\n") }
}

extension ADFNode {
    /// This node's text and its children's, in order.
    fileprivate var allText: String { (text ?? "") + (content ?? []).map(\.allText).joined() }
}
