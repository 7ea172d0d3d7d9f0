/// Finds which of many literals occur in a line, in one pass over its bytes (Aho–Corasick).
///
/// Hand-written because no listed package offers multi-pattern search, and checking each rule's
/// regular expression on every line (NSRegularExpression) is what made classification slow: most
/// rules cannot match most lines, and a literal each match must contain says so in nanoseconds.
/// Matching is ASCII case-insensitive, like the rules; literals are lower-cased ASCII.
struct LiteralSearch: Sendable {
    /// Transitions, 256 per state, flattened.
    private let delta: [Int32]
    /// Per state, the ids of the literals that end there (including through failure links).
    private let outputs: [[Int32]]

    /// `literals[i]` is reported as id `ids[i]`.
    init(literals: [String], ids: [Int]) {
        var goto: [[Int32]] = [Array(repeating: -1, count: 256)]
        var found: [[Int32]] = [[]]
        for (literal, id) in zip(literals, ids) {
            var state = 0
            for byte in Self.lowered(Array(literal.utf8)) {
                if goto[state][Int(byte)] < 0 {
                    goto[state][Int(byte)] = Int32(goto.count)
                    goto.append(Array(repeating: -1, count: 256))
                    found.append([])
                }
                state = Int(goto[state][Int(byte)])
            }
            found[state].append(Int32(id))
        }
        // Breadth-first: each state's failure link, then its missing transitions through it.
        var fail = Array(repeating: 0, count: goto.count)
        var queue: [Int] = []
        for byte in 0..<256 {
            if goto[0][byte] < 0 {
                goto[0][byte] = 0
            } else {
                queue.append(Int(goto[0][byte]))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            found[state] += found[fail[state]]
            for byte in 0..<256 {
                let next = Int(goto[state][byte])
                if next < 0 {
                    goto[state][byte] = goto[fail[state]][byte]
                } else {
                    fail[next] = Int(goto[fail[state]][byte])
                    queue.append(next)
                }
            }
        }
        delta = goto.flatMap { $0 }
        outputs = found
    }

    /// Calls `report` with the id of every literal found in `line` (an id may repeat).
    func search(_ line: String, report: (Int) -> Void) {
        var state = 0
        for byte in line.utf8 {
            let folded = byte >= 65 && byte <= 90 ? byte | 0x20 : byte
            state = Int(delta[state &* 256 &+ Int(folded)])
            for id in outputs[state] { report(Int(id)) }
        }
    }

    private static func lowered(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
    }
}
