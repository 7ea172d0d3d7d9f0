/// The part of XML 1.0 that S3 answers use, read from UTF-8 bytes (``S3XMLReader`` says why it is
/// hand-written). Anything outside that part is refused, never guessed at, so that what this
/// reads is what any XML parser reads.
struct XMLScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Reports the root element and everything in it; refuses anything before or after it but
    /// the XML declaration, whitespace and comments.
    mutating func readDocument(_ report: (XMLEvent) -> Void) throws(S3XMLError) {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw S3XMLError(reason: "the answer is not UTF-8", offset: 0) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        if starts(with: "<?xml") { try readDeclaration() }
        try skipMisc()
        guard index < bytes.count else { throw failure("the answer has no XML element") }
        try readRoot(report)
        try skipMisc()
        guard index == bytes.count else { throw failure("something other than a comment follows the root element") }
    }

    // MARK: - Elements

    private mutating func readRoot(_ report: (XMLEvent) -> Void) throws(S3XMLError) {
        var open: [String] = []
        repeat {
            guard index < bytes.count else { throw failure("the answer ends inside <\(open.last ?? "")>") }
            if bytes[index] != UInt8(ascii: "<") {
                guard !open.isEmpty else { throw failure("text outside the root element") }
                report(.text(try readText()))
            } else if starts(with: "</") {
                index += 2
                let name = try readName()
                skipWhitespace()
                try expect(">")
                guard name == open.last else { throw failure("</\(name)> closes \(open.last.map { "<\($0)>" } ?? "no element")") }
                open.removeLast()
                report(.end(name))
            } else if starts(with: "<!--") {
                try skipComment()
            } else if starts(with: "<!") || starts(with: "<?") {
                throw failure("a DOCTYPE, CDATA section or processing instruction, which S3 answers do not use")
            } else {
                guard open.count < S3XMLReader.maxDepth else { throw failure("elements nested deeper than \(S3XMLReader.maxDepth)") }
                index += 1
                let name = try readName()
                let isEmpty = try readAttributes()
                report(.start(name))
                if isEmpty { report(.end(name)) } else { open.append(name) }
            }
        } while !open.isEmpty
    }

    /// Attributes are read to be checked, not kept: S3 answers carry only `xmlns`. True when the
    /// tag closes itself (`/>`).
    private mutating func readAttributes() throws(S3XMLError) -> Bool {
        var names: Set<String> = []
        while true {
            let separated = skipWhitespace()
            if starts(with: "/>") {
                index += 2
                return true
            }
            if starts(with: ">") {
                index += 1
                return false
            }
            guard separated else { throw failure("expected whitespace, > or /> in a tag") }
            let name = try readName()
            guard names.insert(name).inserted else { throw failure("the attribute \(name) is given twice") }
            skipWhitespace()
            try expect("=")
            skipWhitespace()
            let value = try readQuoted()
            if name == "xmlns" { try checkNamespace(value) }
        }
    }

    /// Only an absolute http(s) URI, as S3 gives, and not one of the two XML reserves.
    private func checkNamespace(_ value: String) throws(S3XMLError) {
        let allowed = value.utf8.allSatisfy {
            isNameByte($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "~")
        }
        let reserved = ["http://www.w3.org/XML/1998/namespace", "http://www.w3.org/2000/xmlns/"]
        guard allowed, value.hasPrefix("http://") || value.hasPrefix("https://"), !reserved.contains(value) else {
            throw failure("the namespace \"\(value.prefix(80))\" is not an http(s) URI")
        }
    }

    /// An ASCII name without a prefix: S3's element names are plain words.
    private mutating func readName() throws(S3XMLError) -> String {
        let start = index
        guard index < bytes.count, isNameStart(bytes[index]) else { throw failure("expected a name (ASCII letters, digits, . - _)") }
        while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private func isNameStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || byte == UInt8(ascii: "_")
    }

    private func isNameByte(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".")
    }

    // MARK: - Text

    /// Character data up to the next `<`: references replaced, line ends normalised to LF
    /// (XML 1.0, 2.11).
    private mutating func readText() throws(S3XMLError) -> String {
        try readCharacters(until: UInt8(ascii: "<"), inText: true)
    }

    private mutating func readQuoted() throws(S3XMLError) -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
            throw failure("expected a quoted attribute value")
        }
        let quote = bytes[index]
        index += 1
        let value = try readCharacters(until: quote, inText: false)
        guard index < bytes.count else { throw failure("the answer ends inside an attribute value") }
        index += 1
        return value
    }

    private mutating func readCharacters(until stop: UInt8, inText: Bool) throws(S3XMLError) -> String {
        var result: [UInt8] = []
        while index < bytes.count, bytes[index] != stop {
            let byte = bytes[index]
            if byte == UInt8(ascii: "&") {
                try readReference(into: &result)
                continue
            }
            if !inText, byte == UInt8(ascii: "<") { throw failure("< in an attribute value") }
            if inText, starts(with: "]]>") { throw failure("]]> in text") }
            try checkCharacter()
            if byte == 0x0D {
                // CR LF and a lone CR both become LF.
                result.append(0x0A)
                index += index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
                continue
            }
            result.append(byte)
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` and `&#…;` / `&#x…;`; no other entity exists
    /// without a DOCTYPE.
    private mutating func readReference(into result: inout [UInt8]) throws(S3XMLError) {
        guard let end = bytes[index...].prefix(16).firstIndex(of: UInt8(ascii: ";")) else {
            throw failure("& that does not start a reference (write &amp;)")
        }
        let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
        let predefined: [String: UInt8] = ["amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27]
        if let byte = predefined[name] {
            result.append(byte)
        } else if let scalar = Self.characterReference(name) {
            result.append(contentsOf: String(Character(scalar)).utf8)
        } else {
            throw failure("&\(name); is neither a predefined entity nor a valid character reference")
        }
        index = end + 1
    }

    private static func characterReference(_ name: String) -> Unicode.Scalar? {
        let digits: Substring
        let radix: Int
        if name.hasPrefix("#x") {
            (digits, radix) = (name.dropFirst(2), 16)
        } else if name.hasPrefix("#") {
            (digits, radix) = (name.dropFirst(), 10)
        } else {
            return nil
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: radix),
            let scalar = Unicode.Scalar(value), isXMLCharacter(scalar)
        else { return nil }
        return scalar
    }

    /// XML 1.0's `Char`: tab, LF, CR, and everything from space up but U+FFFE and U+FFFF
    /// (surrogates cannot be scalars).
    private static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: true
        case 0x20...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// The byte at `index` may begin a character XML allows (the whole answer is valid UTF-8).
    private func checkCharacter() throws(S3XMLError) {
        let byte = bytes[index]
        if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D { throw failure("a control character XML does not allow") }
        if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
            throw failure("U+FFFE or U+FFFF, which XML does not allow")
        }
    }

    // MARK: - Declaration, comments, whitespace

    /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`, encoding and standalone optional.
    private mutating func readDeclaration() throws(S3XMLError) {
        index += 5
        let order = ["version", "encoding", "standalone"]
        var last = -1
        while true {
            let separated = skipWhitespace()
            if starts(with: "?>") { break }
            guard separated else { throw failure("expected whitespace or ?> in the XML declaration") }
            let name = try readName()
            skipWhitespace()
            try expect("=")
            skipWhitespace()
            let value = try readQuoted()
            let valid: Bool =
                switch name {
                case "version": value == "1.0"
                case "encoding": value.lowercased() == "utf-8"
                case "standalone": value == "yes" || value == "no"
                default: false
                }
            // In this order, version first and each at most once.
            guard valid, let position = order.firstIndex(of: name), position > last, last >= 0 || position == 0 else {
                throw failure(
                    "the XML declaration's \(name)=\"\(value.prefix(20))\" (expected version=\"1.0\", then optionally encoding=\"UTF-8\" and standalone)"
                )
            }
            last = position
        }
        guard last >= 0 else { throw failure("the XML declaration has no version") }
        index += 2
    }

    private mutating func skipMisc() throws(S3XMLError) {
        while true {
            skipWhitespace()
            guard starts(with: "<!--") else { return }
            try skipComment()
        }
    }

    /// `<!-- … -->`, which may not contain `--`.
    private mutating func skipComment() throws(S3XMLError) {
        index += 4
        while index < bytes.count {
            if starts(with: "--") {
                guard starts(with: "-->") else { throw failure("-- inside a comment") }
                index += 3
                return
            }
            try checkCharacter()
            index += 1
        }
        throw failure("the answer ends inside a comment")
    }

    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = index
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index > start
    }

    private mutating func expect(_ text: String) throws(S3XMLError) {
        guard starts(with: text) else { throw failure("expected \(text)") }
        index += text.utf8.count
    }

    private func starts(with text: String) -> Bool {
        bytes[index...].starts(with: text.utf8)
    }

    private func failure(_ reason: String) -> S3XMLError {
        S3XMLError(reason: reason, offset: index)
    }
}
