import Backstop
import BackstopTesting
import Foundation
import Testing

@Suite struct MarkdownToADFTests {
    static func json(_ markdown: String) throws -> JSONValue {
        try JSONValue.parse(JSONEncoder().encode(MarkdownToADF.document(markdown)))
    }

    static func types(_ document: JSONValue) -> [String] {
        document["content"]?.array?.compactMap { $0["type"]?.string } ?? []
    }

    @Test func blocksBecomeTheirADFNodes() throws {
        let document = try Self.json("# Title\n\nText\n\n- a\n- b\n\n1. one\n\n```sh\nls -l\n```\n\n> quoted\n\n---")
        #expect(document["type"] == "doc" && document["version"] == 1)
        #expect(Self.types(document) == ["heading", "paragraph", "bulletList", "orderedList", "codeBlock", "blockquote", "rule"])
        #expect(document["content"]?[0]?["attrs"]?["level"] == 1)
        #expect(document["content"]?[2]?["content"]?.array?.count == 2)
        #expect(document["content"]?[4]?["attrs"]?["language"] == "sh")
        #expect(document["content"]?[4]?["content"]?[0]?["text"] == "ls -l")
    }

    @Test func inlineMarksAndLinks() throws {
        let document = try Self.json("**bold** `code` *em* [docs](https://example.com) a_b_c")
        let nodes = try #require(document["content"]?[0]?["content"]?.array)
        #expect(nodes.map { $0["text"]?.string ?? "" } == ["bold", " ", "code", " ", "em", " ", "docs", " a_b_c"])
        #expect(nodes[0]["marks"] == [["type": "strong"]])
        #expect(nodes[2]["marks"] == [["type": "code"]])
        #expect(nodes[4]["marks"] == [["type": "em"]])
        #expect(nodes[6]["marks"] == [["type": "link", "attrs": ["href": "https://example.com"]]])
        #expect(nodes[7]["marks"] == nil)
    }

    @Test func unclosedDelimitersStayText() throws {
        let document = try Self.json("Unclosed **bold and ` tick")
        #expect(document["content"]?[0]?["content"] == [["type": "text", "text": "Unclosed **bold and ` tick"]])
    }

    @Test func nestedListsAndHeadingsInsideQuotesFitADF() throws {
        let document = try Self.json("- outer\n  - inner\n\n> ## heading")
        let item = document["content"]?[0]?["content"]?[0]
        #expect(item?["content"]?.array?.compactMap { $0["type"]?.string } == ["paragraph", "bulletList"])
        let quoted = document["content"]?[1]?["content"]?[0]
        #expect(quoted?["type"] == "paragraph")
        #expect(quoted?["content"]?[0]?["marks"] == [["type": "strong"]])
    }

    @Test func tablesBecomeCodeBlocksAndEmptyInputAParagraph() throws {
        #expect(Self.types(try Self.json("| a | b |\n|---|---|\n| 1 | 2 |")) == ["codeBlock"])
        #expect(Self.types(try Self.json("")) == ["paragraph"])
    }
}
