/// Output of a child process kept within a byte limit: the first quarter and the last three
/// quarters of the limit survive, with a marker for what was dropped in between.
struct CapturedOutput: Sendable {
    private let headLimit: Int
    private let tailLimit: Int
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    private(set) var omitted = 0

    init(limit: Int) {
        headLimit = max(0, limit / 4)
        tailLimit = max(0, limit - limit / 4)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        var rest = bytes[...]
        if head.count < headLimit {
            let take = min(headLimit - head.count, rest.count)
            head.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
        }
        guard !rest.isEmpty else { return }
        tail.append(contentsOf: rest)
        if tail.count > tailLimit * 2 { trimTail() }
    }

    private mutating func trimTail() {
        let excess = tail.count - tailLimit
        if excess > 0 {
            tail.removeFirst(excess)
            omitted += excess
        }
    }

    var text: String {
        var copy = self
        copy.trimTail()
        let marker = copy.omitted > 0 ? "\n[… \(copy.omitted) bytes of output omitted …]\n" : ""
        return String(decoding: copy.head, as: UTF8.self) + marker + String(decoding: copy.tail, as: UTF8.self)
    }
}
