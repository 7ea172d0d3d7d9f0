/// Checks Atlassian Document Format (the rich-text JSON Jira REST v3 takes for descriptions and
/// comment bodies) for the node types the sinks write: paragraph, heading, bullet and ordered
/// lists, code block, blockquote, rule, and text with strong/em/code/strike/underline/link marks.
enum AtlassianDocumentValidator {
    /// The first structural problem as `path: message`, or nil for a valid document.
    static func problem(in document: JSONValue) -> String? {
        guard case .object(let root) = document else { return "the value is \(document.typeName), not a document object" }
        guard root["type"] == "doc" else { return "type: must be 'doc'" }
        guard root["version"]?.number == 1 else { return "version: must be 1" }
        guard let content = root["content"]?.array else { return "content: must be an array of block nodes" }
        return blocks(content, allowed: topLevelBlocks, at: "content")
    }

    private static let topLevelBlocks: Set<String> = [
        "paragraph", "heading", "bulletList", "orderedList", "codeBlock", "blockquote", "rule",
    ]
    private static let listItemBlocks: Set<String> = ["paragraph", "bulletList", "orderedList", "codeBlock"]
    private static let quoteBlocks: Set<String> = ["paragraph", "bulletList", "orderedList", "codeBlock"]
    private static let markTypes: Set<String> = ["strong", "em", "code", "strike", "underline", "link"]

    private static func blocks(_ nodes: [JSONValue], allowed: Set<String>, at path: String) -> String? {
        for (index, node) in nodes.enumerated() {
            let nodePath = "\(path)[\(index)]"
            guard let type = node["type"]?.string else { return "\(nodePath).type: must be a string naming the node type" }
            guard allowed.contains(type) else {
                return "\(nodePath).type: '\(type)' is not allowed here (allowed: \(allowed.sorted().joined(separator: ", ")))"
            }
            if let problem = block(node, type: type, at: nodePath) { return problem }
        }
        return nil
    }

    private static func block(_ node: JSONValue, type: String, at path: String) -> String? {
        let content = node["content"]
        if let content, content.array == nil { return "\(path).content: must be an array" }
        let children = content?.array ?? []
        switch type {
        case "paragraph":
            return inlines(children, at: "\(path).content")
        case "heading":
            guard let level = node["attrs"]?["level"]?.number, level.rounded() == level, (1...6).contains(level) else {
                return "\(path).attrs.level: must be an integer from 1 to 6"
            }
            return inlines(children, at: "\(path).content")
        case "bulletList", "orderedList":
            guard !children.isEmpty else { return "\(path).content: a list needs at least one listItem" }
            for (index, item) in children.enumerated() {
                let itemPath = "\(path).content[\(index)]"
                guard item["type"] == "listItem" else { return "\(itemPath).type: a list may only contain listItem nodes" }
                guard let itemContent = item["content"]?.array, !itemContent.isEmpty else {
                    return "\(itemPath).content: a listItem needs at least one block node"
                }
                if let problem = blocks(itemContent, allowed: listItemBlocks, at: "\(itemPath).content") { return problem }
            }
            return nil
        case "codeBlock":
            for (index, child) in children.enumerated() {
                let childPath = "\(path).content[\(index)]"
                guard child["type"] == "text" else { return "\(childPath).type: a codeBlock may only contain text nodes" }
                if child["marks"] != nil { return "\(childPath).marks: text in a codeBlock cannot have marks" }
                if let problem = text(child, at: childPath) { return problem }
            }
            return nil
        case "blockquote":
            guard !children.isEmpty else { return "\(path).content: a blockquote needs at least one block node" }
            return blocks(children, allowed: quoteBlocks, at: "\(path).content")
        case "rule":
            return children.isEmpty ? nil : "\(path).content: a rule has no content"
        default:
            return "\(path).type: unknown node type '\(type)'"
        }
    }

    private static func inlines(_ nodes: [JSONValue], at path: String) -> String? {
        for (index, node) in nodes.enumerated() {
            let nodePath = "\(path)[\(index)]"
            switch node["type"]?.string {
            case "text":
                if let problem = text(node, at: nodePath) { return problem }
                if let problem = marks(node["marks"], at: "\(nodePath).marks") { return problem }
            case "hardBreak":
                continue
            case let other?:
                return "\(nodePath).type: '\(other)' is not an inline node (allowed: text, hardBreak)"
            case nil:
                return "\(nodePath).type: must be a string naming the node type"
            }
        }
        return nil
    }

    private static func text(_ node: JSONValue, at path: String) -> String? {
        guard let text = node["text"]?.string, !text.isEmpty else { return "\(path).text: must be a non-empty string" }
        return nil
    }

    private static func marks(_ value: JSONValue?, at path: String) -> String? {
        guard let value else { return nil }
        guard let marks = value.array else { return "\(path): must be an array" }
        var seen: Set<String> = []
        for (index, mark) in marks.enumerated() {
            let markPath = "\(path)[\(index)]"
            guard let type = mark["type"]?.string, markTypes.contains(type) else {
                return "\(markPath).type: must be one of \(markTypes.sorted().joined(separator: ", "))"
            }
            guard seen.insert(type).inserted else { return "\(markPath): the \(type) mark appears twice" }
            if type == "link", mark["attrs"]?["href"]?.string?.isEmpty ?? true {
                return "\(markPath).attrs.href: a link mark needs an href"
            }
        }
        // ADF allows the code mark only together with link.
        if seen.contains("code"), !seen.subtracting(["code", "link"]).isEmpty {
            return "\(path): the code mark can only be combined with link"
        }
        return nil
    }
}
