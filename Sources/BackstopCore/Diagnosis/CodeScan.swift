/// The notations of ``CodeExtractor``, read by scanning the line's bytes once: each number is
/// judged by the words around it, each word looked up as a code name.
///
/// Hand-written rather than regular expressions: NSRegularExpression costs tens of microseconds
/// per call on Linux, and classification must keep up with ≥ 10,000 messages a second.
struct Scan {
    let bytes: [UInt8]
    /// ASCII lower-cased copy, for the case-insensitive notations.
    let lower: [UInt8]
    var found: [CodeExtractor.Found] = []

    init(_ line: String) {
        bytes = Array(line.utf8)
        lower = bytes.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
    }

    mutating func add(_ kind: CodeTables.Kind, _ code: String) {
        let item = CodeExtractor.Found(kind: kind, code: code)
        if CodeTables.entry(kind, code) != nil, !found.contains(item) { found.append(item) }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    private static func isWord(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95
    }

    /// Whether the lower-cased text before `end`, after skipping any of `skipping`, ends with one of `words`.
    private func preceded(_ end: Int, by words: [String], skipping: [UInt8] = []) -> Bool {
        var end = end
        while end > 0, skipping.contains(lower[end - 1]) { end -= 1 }
        return words.contains { word in
            let utf8 = Array(word.utf8)
            return utf8.count <= end && Array(lower[(end - utf8.count)..<end]) == utf8
        }
    }

    /// Whether the lower-cased text from `start` begins with one of `words`.
    private func followed(_ start: Int, by words: [String]) -> Bool {
        words.contains { word in
            let utf8 = Array(word.utf8)
            return start + utf8.count <= lower.count && Array(lower[start..<(start + utf8.count)]) == utf8
        }
    }

    private func restIsBlank(_ start: Int) -> Bool { lower[start...].allSatisfy { $0 == 32 || $0 == 9 } }

    /// Every number standing alone (not part of a word) in the line.
    mutating func numbers() {
        var index = 0
        while index < bytes.count {
            guard Self.isDigit(bytes[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, Self.isDigit(bytes[end]) { end += 1 }
            let alone = (index == 0 || !Self.isWord(bytes[index - 1])) && (end == bytes.count || !Self.isWord(bytes[end]))
            if alone { number(index, end) }
            index = end
        }
    }

    private mutating func number(_ start: Int, _ end: Int) {
        let code = String(decoding: bytes[start..<end], as: UTF8.self)
        let before: UInt8 = start > 0 ? bytes[start - 1] : 0
        let after: UInt8 = end < bytes.count ? bytes[end] : 0
        switch end - start {
        case 1...3:
            // [Errno 28], errno: 13, errno=111, (errno 28), Errcode: 28, error number 28, os error 28
            if preceded(start, by: ["[errno", "errno", "errcode", "error number", "os error"], skipping: [32, 58, 61, 40]) {
                add(.errno, code)
            }
            // rsync: (code 30)
            if after == 41, preceded(start, by: ["(code "]) { add(.rsync, code) }
            // strerror(3) and the number: "Permission denied (13)"
            if before == 40, after == 41, let message = CodeTables.entry(.errno, code)?.message,
                String(decoding: lower, as: UTF8.self).contains(message.lowercased())
            {
                add(.errno, code)
            }
            if end - start == 3 { threeDigits(code, start, end, before: before, after: after) }
        case 4:
            // Got error: 1045: / ERROR 2013 (HY000) / Error Code: 1026. / #1205 / … operation (1227)
            if before == 35 || preceded(start, by: ["error", "error code"], skipping: [32, 58, 35])
                || (before == 40 && after == 41 && restIsBlank(end + 1))
            {
                add(.mysql, code)
            }
        case 5:
            add(.winsock, code)  // 10054/10060/10061, as Windows prints them: (0x0000274D/10061)
        default: break
        }
    }

    private mutating func threeDigits(_ code: String, _ start: Int, _ end: Int, before: UInt8, after: UInt8) {
        // pgBackRest: ERROR: [050]: (upper case; not the "aborted with exception [050]" summary)
        if before == 91, after == 93 {
            let prefix = String(decoding: bytes[..<(start - 1)], as: UTF8.self)
            if ["ERROR: ", "ERROR ", "WARN: ", "WARN "].contains(where: prefix.hasSuffix) { add(.pgbackrest, code) }
        }
        let statusWords = [
            "http", "http/1.0", "http/1.1", "http/2", "status", "status code", "statuscode", "response", "response code", "error", "code",
            "exception",
        ]
        let reasons = [
            "unauthorized", "payment required", "forbidden", "proxy authentication required", "request time", "too many requests",
            "bad gateway", "service unavailable", "gateway time", "insufficient storage",
        ]
        if preceded(start, by: statusWords, skipping: [32, 58, 61, 40])
            || followed(end, by: reasons.flatMap { [" \($0)", ": \($0)", " (\($0)"] })
            || (before == 40 && followed(end, by: [") when calling"]))
            || ((code.hasPrefix("4") || code.hasPrefix("5")) && preceded(start, by: [":"], skipping: [32])
                && (after == 58 || restIsBlank(end)))
        {
            add(.http, code)
        }
    }

    /// SQLSTATE 28P01, (SQLSTATE 28P01), SQLSTATE[28P01]
    mutating func sqlstates() {
        let marker = Array("sqlstate".utf8)
        var index = 0
        while index + marker.count <= lower.count {
            guard lower[index] == 115, Array(lower[index..<(index + marker.count)]) == marker else {
                index += 1
                continue
            }
            var start = index + marker.count
            while start < bytes.count, [91, 32, 58, 61].contains(bytes[start]) { start += 1 }
            let end = start + 5
            if end <= bytes.count, bytes[start..<end].allSatisfy({ Self.isDigit($0) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }),
                end == bytes.count || !Self.isWord(bytes[end])
            {
                add(.sqlstate, String(decoding: bytes[start..<end], as: UTF8.self).uppercased())
            }
            index = end
        }
    }

    /// Words that are code names: AccessDenied, userRateLimitExceeded, storage_cap_exceeded, ENOSPC.
    mutating func names() {
        var index = 0
        while index < bytes.count {
            guard Self.isWord(bytes[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, Self.isWord(bytes[end]) { end += 1 }
            if end - index >= 5, end - index <= 40, !Self.isDigit(bytes[index]) {
                let word = String(decoding: bytes[index..<end], as: UTF8.self)
                if CodeTables.entry(.cloud, word) != nil {
                    add(.cloud, word)
                } else if let (kind, code) = CodeTables.byName[word] {
                    add(kind, code)
                }
            }
            index = end
        }
    }
}
