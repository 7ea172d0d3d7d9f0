import Foundation

/// Converts rich text between the two API versions, as Jira does when an issue written through
/// one is read through the other: v3 answers with Atlassian Document Format, v2 with text.
enum JiraRichText {
    /// The value to answer with for `version`.
    static func render(_ value: JSONValue?, version: Int) -> JSONValue {
        guard let value else { return .null }
        switch (version, value) {
        case (3, .string(let text)): return document(text)
        case (2, .object): return .string(plainText(value))
        default: return value
        }
    }

    /// One paragraph per line.
    static func document(_ text: String) -> JSONValue {
        let paragraphs: [JSONValue] = text.components(separatedBy: "\n").map { line in
            line.isEmpty ? ["type": "paragraph"] : ["type": "paragraph", "content": [["type": "text", "text": .string(line)]]]
        }
        return ["type": "doc", "version": 1, "content": .array(paragraphs)]
    }

    /// The text of every text node, blocks separated by newlines.
    static func plainText(_ node: JSONValue) -> String {
        if let text = node["text"]?.string { return text }
        let children = node["content"]?.array ?? []
        let isInlineContainer = ["paragraph", "heading", "codeBlock"].contains(node["type"]?.string ?? "")
        return children.map(plainText).joined(separator: isInlineContainer ? "" : "\n")
    }

    /// Jira's timestamp form, e.g. `2021-01-17T12:34:00.000+0000`.
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
        return formatter.string(from: date)
    }
}
