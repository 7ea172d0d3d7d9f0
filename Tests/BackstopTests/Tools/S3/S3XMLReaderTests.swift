import BackstopFuzzing
import BackstopInput
import Foundation
import Testing

/// Backstop's reader of S3's XML answers: what S3 sends is read as Foundation's `XMLParser` reads
/// it, and what S3 does not send is refused with what and where.
@Suite struct S3XMLReaderTests {
    static func read(_ xml: String, records: String? = "Contents") throws(S3XMLError) -> S3XMLElements {
        try S3XMLReader.elements(of: Data(xml.utf8), records: records)
    }

    @Test func referencesLineEndsAndCommentsAreReadAsXMLReadsThem() throws {
        let xml =
            "\u{FEFF}<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- first -->\r\n<ListBucketResult xmlns='http://s3.amazonaws.com/doc/2006-03-01/'>"
            + "<Prefix>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#233;&#x1F4BE;</Prefix>"
            + "<Marker>one\r\ntwo\rthree&#13;</Marker><Delimiter>x<!-- between -->y</Delimiter>"
            + "<Contents><Key>k</Key><Size>1</Size></Contents><Contents/><Empty></Empty>"
            + "</ListBucketResult>\n<!-- last -->\n"
        let elements = try Self.read(xml)
        #expect(elements.top["Prefix"] == "a & b <c> \"d\" 'e' é💾")
        #expect(elements.top["Marker"] == "one\ntwo\nthree\r")
        #expect(elements.top["Delimiter"] == "xy")
        #expect(elements.top["Empty"] == "")
        #expect(elements.records == [["Key": "k", "Size": "1"], [:]])
        #expect(XMLParserElements.disagreement(with: elements, on: Data(xml.utf8), records: "Contents") == nil)
        // The yardstick does compare: other elements than XMLParser's are a disagreement.
        #expect(XMLParserElements.disagreement(with: S3XMLElements(), on: Data(xml.utf8), records: "Contents") != nil)
    }

    @Test(arguments: [
        ("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "a DOCTYPE, CDATA section or processing instruction", 0),
        ("<a><![CDATA[x]]></a>", "a DOCTYPE, CDATA section or processing instruction", 3),
        ("<a><?php x ?></a>", "a DOCTYPE, CDATA section or processing instruction", 3),
        (" <?xml version=\"1.0\"?><a/>", "a DOCTYPE, CDATA section or processing instruction", 1),
        ("<a>&nbsp;</a>", "&nbsp; is neither a predefined entity nor a valid character reference", 3),
        ("<a>&#0;</a>", "&#0; is neither a predefined entity nor a valid character reference", 3),
        ("<a>x & y</a>", "& that does not start a reference (write &amp;)", 5),
        ("<a><b></a></b>", "</a> closes <b>", 10),
        ("</a>", "</a> closes no element", 4),
        ("<a></a><b/>", "something other than a comment follows the root element", 7),
        ("text<a/>", "text outside the root element", 0),
        ("<a>", "the answer ends inside <a>", 3),
        ("", "the answer has no XML element", 0),
        ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", "the XML declaration's encoding=\"ISO-8859-1\"", 41),
        ("<?xml encoding=\"UTF-8\"?><a/>", "the XML declaration's encoding=\"UTF-8\"", 22),
        ("<s3:a/>", "expected whitespace, > or /> in a tag", 3),
        ("<a x=\"1\" x=\"2\"/>", "the attribute x is given twice", 10),
        ("<a x=\"1\"y=\"2\"/>", "expected whitespace, > or /> in a tag", 8),
        ("<a xmlns=\"urn:x\"/>", "the namespace \"urn:x\" is not an http(s) URI", 16),
        ("<a>\u{1}</a>", "a control character XML does not allow", 3),
        ("<a>]]></a>", "]]> in text", 3),
        ("<a><!-- a -- b --></a>", "-- inside a comment", 10),
    ])
    func whatS3DoesNotSendIsRefusedSayingWhatAndWhere(xml: String, reason: String, offset: Int) {
        #expect {
            try Self.read(xml)
        } throws: { error in
            guard let error = error as? S3XMLError else { return false }
            return error.reason.hasPrefix(reason) && error.offset == offset
        }
    }

    @Test func bytesThatAreNotUTF8AndDeepNestingAreRefused() throws {
        let notUTF8 = try #require(throws: S3XMLError.self) {
            try S3XMLReader.elements(of: Data([0x3C, 0x61, 0x3E, 0xFF, 0x3C, 0x2F, 0x61, 0x3E]), records: nil)
        }
        #expect(notUTF8.description == "the answer is not UTF-8 at byte 0")
        let deep = String(repeating: "<a>", count: S3XMLReader.maxDepth + 1) + String(repeating: "</a>", count: S3XMLReader.maxDepth + 1)
        let tooDeep = try #require(throws: S3XMLError.self) { try Self.read(deep) }
        #expect(tooDeep.reason == "elements nested deeper than \(S3XMLReader.maxDepth)")
        #expect(tooDeep.offset == 3 * S3XMLReader.maxDepth)
    }
}
