/// Reads JSON (RFC 8259) straight from its bytes, for the one body Backstop receives thousands of
/// times a second: the Alertmanager webhook's (``AlertmanagerPayload``). Foundation's
/// `JSONDecoder` spent about a quarter of the intake's CPU on it, most of it in the generic
/// `Codable` machinery (metadata lookups, keyed containers) rather than in reading bytes, and no
/// faster JSON library is among the packages this project builds with.
///
/// It never refuses a body and never words an error. It gives up (``GaveUp``) on anything it is
/// not certain to read exactly as `JSONDecoder` would: an unpaired surrogate, nesting deeper than
/// 512, a number or literal JSON does not allow; its caller gives up on a key given twice and on
/// a field name that is not plain ASCII. The caller then decodes with `JSONDecoder`, which
/// accepts or refuses and names the problem as before. So what it reads costs less, and what it does not read is decoded as it always was.
/// The Alertmanager fuzzer checks that whatever it reads, `JSONDecoder` reads the same.
struct StrictJSONReader {
    /// Not readable here; `JSONDecoder` decides.
    struct GaveUp: Error {}

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0
    /// `JSONDecoder`'s own limit.
    private static let maxDepth = 512

    /// `bytes` must be valid UTF-8 (the caller checked the whole body once); strings are then
    /// made without checking each again.
    init(validUTF8 bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The document is one object and nothing after it but whitespace.
    mutating func readDocument(_ member: (inout StrictJSONReader, String) throws(GaveUp) -> Void) throws(GaveUp) {
        try readObject(member)
        skipWhitespace()
        guard index == bytes.count else { throw GaveUp() }
    }

    /// Reads `{ "key": value, … }`, calling `member` with the reader at each value, which it must
    /// read or skip.
    mutating func readObject(_ member: (inout StrictJSONReader, String) throws(GaveUp) -> Void) throws(GaveUp) {
        try forEachMember { reader throws(GaveUp) in
            let key = try reader.readString()
            try reader.expect(UInt8(ascii: ":"))
            try member(&reader, key)
        }
    }

    /// Reads `[ value, … ]`, calling `element` with the reader at each value.
    mutating func readArray(_ element: (inout StrictJSONReader) throws(GaveUp) -> Void) throws(GaveUp) {
        try forEachItem(between: UInt8(ascii: "["), and: UInt8(ascii: "]"), element)
    }

    /// Whether the value here is `null`, read if so.
    mutating func readNull() throws(GaveUp) -> Bool {
        skipWhitespace()
        guard peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// A string value, its escapes decoded.
    mutating func readString() throws(GaveUp) -> String {
        switch try scanString() {
        case .plain(let range): String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        case .escaped(let decoded): String(decoding: decoded, as: UTF8.self)
        }
    }

    /// Reads past any one value, checking it as strictly as a value that is read.
    mutating func skipValue() throws(GaveUp) {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "\""): _ = try scanString()
        case UInt8(ascii: "{"):
            // Keys and strings skipped are checked, not made into text: Alertmanager's
            // `groupLabels`, `commonLabels` and `commonAnnotations` are a third of its body.
            try forEachMember { reader throws(GaveUp) in
                _ = try reader.scanString()
                try reader.expect(UInt8(ascii: ":"))
                try reader.skipValue()
            }
        case UInt8(ascii: "["): try readArray { reader throws(GaveUp) in try reader.skipValue() }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try skipNumber()
        }
    }

    // MARK: - Pieces

    /// Where a string's text is: a range of the body when it has no escape, otherwise its
    /// bytes with the escapes decoded.
    private enum ScannedString {
        case plain(Range<Int>)
        case escaped([UInt8])
    }

    /// Reads past a string, checking it; makes no text.
    private mutating func scanString() throws(GaveUp) -> ScannedString {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw GaveUp() }
        index += 1
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                defer { index += 1 }
                return .plain(start..<index)
            case UInt8(ascii: "\\"):
                var decoded = Array(bytes[start..<index])
                try readEscapedRest(into: &decoded)
                return .escaped(decoded)
            case 0..<0x20:
                throw GaveUp()
            default:
                index += 1
            }
        }
        throw GaveUp()
    }

    /// The members of `{ … }`, `each` called with the reader at each member's key.
    private mutating func forEachMember(_ each: (inout StrictJSONReader) throws(GaveUp) -> Void) throws(GaveUp) {
        try forEachItem(between: UInt8(ascii: "{"), and: UInt8(ascii: "}"), each)
    }

    /// The comma-separated items between `opening` and `closing`, `each` called at each.
    private mutating func forEachItem(
        between opening: UInt8, and closing: UInt8, _ each: (inout StrictJSONReader) throws(GaveUp) -> Void
    ) throws(GaveUp) {
        try enter(opening)
        if try closes(closing) { return leave() }
        repeat {
            try each(&self)
        } while try !closes(closing, or: UInt8(ascii: ","))
        leave()
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(GaveUp) {
        skipWhitespace()
        guard peek() == byte else { throw GaveUp() }
        index += 1
    }

    private mutating func enter(_ opening: UInt8) throws(GaveUp) {
        try expect(opening)
        depth += 1
        guard depth <= Self.maxDepth else { throw GaveUp() }
    }

    private mutating func leave() {
        depth -= 1
    }

    /// Whether the next byte is `closing` (read if so); otherwise it must be `separator`, read.
    private mutating func closes(_ closing: UInt8, or separator: UInt8? = nil) throws(GaveUp) -> Bool {
        skipWhitespace()
        if peek() == closing {
            index += 1
            return true
        }
        guard let separator else { return false }
        try expect(separator)
        return false
    }

    private mutating func literal(_ word: StaticString) throws(GaveUp) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw GaveUp() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw GaveUp() }
        index += count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func skipNumber() throws(GaveUp) {
        if peek() == UInt8(ascii: "-") { index += 1 }
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else {
            try skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            try skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            try skipDigits()
        }
    }

    /// One digit or more.
    private mutating func skipDigits() throws(GaveUp) {
        let start = index
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        guard index > start else { throw GaveUp() }
    }

    // MARK: - Escapes

    /// Decodes the rest of a string, from the backslash at `index` to the closing quote, onto
    /// `decoded`, which holds what came before it.
    private mutating func readEscapedRest(into decoded: inout [UInt8]) throws(GaveUp) {
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return
            case UInt8(ascii: "\\"): try readEscape(into: &decoded)
            case 0..<0x20: throw GaveUp()
            default: decoded.append(byte)
            }
        }
        throw GaveUp()
    }

    private mutating func readEscape(into decoded: inout [UInt8]) throws(GaveUp) {
        guard let byte = peek() else { throw GaveUp() }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var value = try readHex4()
            if (0xD800..<0xDC00).contains(value) {
                // A character above U+FFFF is written as a pair of escaped UTF-16 surrogates.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw GaveUp()
                }
                index += 2
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw GaveUp() }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(value) else { throw GaveUp() }
            UTF8.encode(scalar) { decoded.append($0) }
        default:
            throw GaveUp()
        }
    }

    private mutating func readHex4() throws(GaveUp) -> UInt32 {
        guard index + 4 <= bytes.count else { throw GaveUp() }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw GaveUp()
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }
}
