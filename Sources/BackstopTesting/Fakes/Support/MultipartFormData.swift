import Foundation

/// The parts of a `multipart/form-data` body (RFC 7578), as a browser or HTTP client sends a
/// file upload.
struct MultipartFormData {
    struct Part {
        var name: String?
        var filename: String?
        var contentType: String?
        var data: Data
    }

    var parts: [Part]

    /// The boundary parameter of a `multipart/form-data` content type, if it is one.
    static func boundary(fromContentType contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// Splits `body` on `boundary`; nil when the body is not well-formed multipart.
    init?(body: Data, boundary: String) {
        let delimiter = Data("--\(boundary)".utf8)
        let bytes = [UInt8](body)
        var sections: [[UInt8]] = []
        var position = 0
        var start: Int?
        while let found = Self.find(Array(delimiter), in: bytes, from: position) {
            if let start { sections.append(Array(bytes[start..<found])) }
            position = found + delimiter.count
            // "--boundary--" ends the body.
            if bytes.count >= position + 2, bytes[position] == UInt8(ascii: "-"), bytes[position + 1] == UInt8(ascii: "-") {
                start = nil
                break
            }
            start = position
        }
        guard start == nil, !sections.isEmpty else { return nil }
        var parts: [Part] = []
        for section in sections {
            guard let part = Self.part(section) else { return nil }
            parts.append(part)
        }
        self.parts = parts
    }

    private static func part(_ section: [UInt8]) -> Part? {
        // Each section is CRLF, headers, CRLF CRLF, content, CRLF.
        var bytes = ArraySlice(section)
        guard bytes.starts(with: [13, 10]) else { return nil }
        bytes = bytes.dropFirst(2)
        guard let split = find([13, 10, 13, 10], in: Array(bytes), from: 0) else { return nil }
        let headerText = String(decoding: bytes.prefix(split), as: UTF8.self)
        var content = Array(bytes.dropFirst(split + 4))
        guard content.suffix(2) == [13, 10] else { return nil }
        content.removeLast(2)
        var part = Part(data: Data(content))
        for line in headerText.components(separatedBy: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0].lowercased() {
            case "content-disposition":
                part.name = parameter("name", in: pair[1])
                part.filename = parameter("filename", in: pair[1])
            case "content-type":
                part.contentType = pair[1]
            default:
                break
            }
        }
        return part
    }

    private static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let pair = piece.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}
