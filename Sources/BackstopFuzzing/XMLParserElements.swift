import BackstopInput
import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The S3 answers' elements as Foundation's `XMLParser` reads them, the way Backstop read them
/// before ``S3XMLReader``: the yardstick of the S3 XML fuzzer. Only here, in the fuzzers and the
/// tests, so that `backstop` itself does not link libxml2.
package enum XMLParserElements {
    /// Why `XMLParser` reads `data` differently from what Backstop's reader read, or nil.
    package static func disagreement(with elements: S3XMLElements, on data: Data, records: String?) -> String? {
        let collector = Collector(recordName: records)
        let parser = XMLParser(data: data)
        parser.delegate = collector
        guard parser.parse() else {
            return "S3XMLReader read an answer XMLParser refuses (\(parser.parserError.map { "\($0)" } ?? "no error")): \(elements)"
        }
        let expected = S3XMLElements(top: collector.top, records: collector.records)
        return expected == elements ? nil : "S3XMLReader read \(elements), XMLParser \(expected)"
    }

    private final class Collector: NSObject, XMLParserDelegate {
        let recordName: String?
        var top: [String: String] = [:]
        var records: [[String: String]] = []
        private var depth = 0
        private var text = ""
        private var record: [String: String]?

        init(recordName: String?) {
            self.recordName = recordName
        }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            depth += 1
            text = ""
            if depth == 2, elementName == recordName { record = [:] }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            if depth == 2 {
                if elementName == recordName, let record {
                    records.append(record)
                    self.record = nil
                } else {
                    top[elementName] = text
                }
            } else if depth == 3, record != nil {
                record?[elementName] = text
            }
            depth -= 1
            text = ""
        }
    }
}
