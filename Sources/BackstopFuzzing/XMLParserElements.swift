import BackstopInput
import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The S3 answers' elements as Foundation's `XMLParser` reads them: the yardstick of the S3 XML
/// fuzzer. `XMLParser`'s callbacks go to the same ``ElementCollector`` as Backstop's scanner's
/// events, so what is compared is the two parsers. Only here, in the fuzzers and the tests, so
/// that `backstop` itself does not link libxml2.
package enum XMLParserElements {
    /// Why `XMLParser` reads `data` differently from what Backstop's reader read, or nil.
    package static func disagreement(with elements: S3XMLElements, on data: Data, records: String?) -> String? {
        let delegate = EventForwarder(recordName: records)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else {
            return "S3XMLReader read an answer XMLParser refuses (\(parser.parserError.map { "\($0)" } ?? "no error")): \(elements)"
        }
        let expected = delegate.collector.elements
        return expected == elements ? nil : "S3XMLReader read \(elements), XMLParser \(expected)"
    }

    private final class EventForwarder: NSObject, XMLParserDelegate {
        var collector: ElementCollector

        init(recordName: String?) {
            collector = ElementCollector(recordName: recordName)
        }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            collector.take(.start(elementName))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            collector.take(.text(string))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            collector.take(.end(elementName))
        }
    }
}
