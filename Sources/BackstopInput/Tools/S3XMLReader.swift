import Foundation

/// The text of an S3 answer's elements: the root's direct children (`top`) and the children of
/// each `records` element among them (ListObjectsV2's `Contents`).
package struct S3XMLElements: Equatable, Sendable {
    package var top: [String: String] = [:]
    package var records: [[String: String]] = []

    package init(top: [String: String] = [:], records: [[String: String]] = []) {
        self.top = top
        self.records = records
    }
}

/// Why an answer could not be read, and where (a byte offset into the body).
package struct S3XMLError: Error, Equatable, Sendable, CustomStringConvertible {
    package let reason: String
    package let offset: Int

    package var description: String { "\(reason) at byte \(offset)" }
}

/// Reads the XML of S3 API answers (ListObjectsV2's `ListBucketResult`, `Error`).
///
/// Hand-written on purpose. The only XML parser among the packages this project builds with is
/// Foundation's `XMLParser` (XMLCoder and SWXMLHash wrap it), and it links libxml2 into the
/// process, which loads the system's ICU and liblzma with it: about 1 MiB of an idle `serve`'s
/// memory (docs/MEMORY.md), in every deployment, to read two small documents from a remote
/// endpoint in C. S3 answers use a small part of XML: an XML declaration, elements, attributes
/// (`xmlns`), text with the five predefined entities and character references, comments. This
/// reads exactly that and refuses everything else (a DOCTYPE, CDATA, processing instructions,
/// encodings other than UTF-8, prefixed names), saying what and where. The S3 XML fuzzer
/// (`scripts/fuzz s3xml`) checks that whatever this reads, `XMLParser` reads the same.
package enum S3XMLReader {
    /// Deeper than any S3 answer (they nest three levels); `XMLParser` stops at 256.
    package static let maxDepth = 64

    /// The elements of `data`, collected as ``S3XMLElements`` says.
    package static func elements(of data: Data, records recordName: String?) throws(S3XMLError) -> S3XMLElements {
        var scanner = XMLScanner(bytes: Array(data))
        var collector = ElementCollector(recordName: recordName)
        try scanner.readDocument { event in collector.take(event) }
        return collector.elements
    }
}

/// What the scanner reports, in document order (as `XMLParser`'s delegate hears it).
package enum XMLEvent {
    case start(String)
    case text(String)
    case end(String)
}

/// Keeps the text of the root's children and of the records' children, the way Backstop's
/// `XMLParser` delegate did: an element's text is what came after its last child, if any. The
/// S3 XML fuzzer feeds it `XMLParser`'s events too, so the two parsers are compared, not two
/// collectors.
package struct ElementCollector {
    let recordName: String?
    package private(set) var elements = S3XMLElements()
    private var depth = 0
    private var text = ""
    private var record: [String: String]?

    package init(recordName: String?) {
        self.recordName = recordName
    }

    package mutating func take(_ event: XMLEvent) {
        switch event {
        case .start(let name):
            depth += 1
            text = ""
            if depth == 2, name == recordName { record = [:] }
        case .text(let characters):
            text += characters
        case .end(let name):
            if depth == 2 {
                if name == recordName, let record {
                    elements.records.append(record)
                    self.record = nil
                } else {
                    elements.top[name] = text
                }
            } else if depth == 3, record != nil {
                record?[name] = text
            }
            depth -= 1
            text = ""
        }
    }
}
