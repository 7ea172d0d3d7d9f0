/// Turns raw tool output into the lines the rules read, once, so no pattern has to allow for
/// doubled spaces, tabs or newlines escaped inside a JSON string or a `key="…\n…"` log field.
///
/// Each logical line keeps the index of the physical line it came from: evidence quotes the
/// physical line, so a human can find it in the output as printed.
package enum TextNormalizer {
    package struct Line: Sendable, Equatable {
        /// Whitespace collapsed, escapes expanded; what the rules match.
        package var text: String
        /// Index into ``Output/physical``.
        package var source: Int
    }

    package struct Output: Sendable {
        /// Trimmed non-empty lines as printed (the last 5,000: the failure is at the end).
        package var physical: [String]
        package var logical: [Line]
    }

    package static func normalize(_ output: String) -> Output {
        // Bytes, not Characters: grapheme-by-grapheme iteration made this the slowest step of a
        // diagnosis. Newlines, spaces, tabs and backslashes are ASCII, so UTF-8 text splits safely.
        let bytes = Array(output.utf8)
        var ranges: [Range<Int>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C {
            ranges.append(start..<index)
            start = index + 1
        }
        ranges.append(start..<bytes.count)
        var physical: [String] = []
        var logical: [Line] = []
        for range in ranges {
            var lower = range.lowerBound
            var upper = range.upperBound
            while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
            while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
            guard lower < upper else { continue }
            let index = physical.count
            physical.append(String(decoding: bytes[lower..<upper], as: UTF8.self))
            for fragment in fragments(of: bytes[lower..<upper]) {
                let text = collapse(fragment)
                if !text.isEmpty { logical.append(Line(text: String(decoding: text, as: UTF8.self), source: index)) }
            }
        }
        // The failure is at the end: keep the last 5,000 lines.
        if physical.count > 5_000 {
            let drop = physical.count - 5_000
            physical.removeFirst(drop)
            logical = logical.filter { $0.source >= drop }.map { Line(text: $0.text, source: $0.source - drop) }
        }
        return Output(physical: physical, logical: logical)
    }

    /// Splits a line at escaped newlines (`\n`, `\r`) as written inside JSON strings and quoted
    /// log fields (Velero's `stderr=…\n…`, Ansible's `"stderr": "…"`); `\t` and `\"` become plain.
    static func fragments(of line: ArraySlice<UInt8>) -> [[UInt8]] {
        guard line.contains(0x5C) else { return [Array(line)] }
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            index += 1
            guard byte == 0x5C, index < line.endIndex else {
                current.append(byte)
                continue
            }
            let next = line[index]
            index += 1
            switch next {
            case 0x6E, 0x72:  // n, r
                parts.append(current)
                current = []
            case 0x74: current.append(0x20)  // t
            case 0x22: current.append(0x22)  // "
            default: current += [byte, next]
            }
        }
        parts.append(current)
        return parts
    }

    /// Runs of spaces and tabs become one space, so "Access  is denied" reads as printed once.
    static func collapse(_ text: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        var pendingSpace = false
        for byte in text {
            if byte == 0x20 || byte == 0x09 {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(0x20) }
                pendingSpace = false
                result.append(byte)
            }
        }
        return result
    }
}
