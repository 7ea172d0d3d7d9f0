import Foundation
import Ink

/// Incident reports rendered from their Markdown with Ink (the Markdown library in reach;
/// swift-markdown is not). Reports carry text from outside (log lines, tool output, asset and
/// service names), and Ink passes raw HTML through and writes link targets unescaped, so three
/// modifiers make its output safe: raw HTML is shown as text, and links and images keep their
/// target only when it is http(s) or relative, escaped for the attribute. Code blocks and inline
/// code (where log lines go) Ink escapes itself.
enum MarkdownHTML {
    static func render(_ markdown: String) -> String {
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .html) { input in escape(String(input.markdown)) })
        parser.addModifier(Modifier(target: .links) { input in safeLink(input.html) })
        parser.addModifier(Modifier(target: .images) { input in escape(String(input.markdown)) })
        return parser.html(from: markdown)
    }

    /// Ink renders a link as `<a href="TARGET">TEXT</a>` with TARGET raw and TEXT escaped (no raw
    /// `>` in it, and raw HTML inside was escaped by the `.html` modifier), so the last `">` ends
    /// the target; a target with a quote is dropped.
    static func safeLink(_ html: String) -> String {
        guard html.hasPrefix("<a href=\""), let close = html.range(of: "\">", options: .backwards), html.hasSuffix("</a>") else {
            return escape(html)
        }
        let target = String(html[html.index(html.startIndex, offsetBy: 9)..<close.lowerBound])
        let text = String(html[close.upperBound..<html.index(html.endIndex, offsetBy: -4)])
        guard SafeURL.isWebOrRelative(target), !target.contains("\"") else { return text }
        return "<a href=\"\(escape(target))\" rel=\"noopener noreferrer\">\(text)</a>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
