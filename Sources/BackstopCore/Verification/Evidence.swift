/// Why a check ended as it did, in words an on-call engineer can act on.
package struct Evidence: Sendable, Equatable, Codable {
    package var message: String
    package var expected: String?
    package var actual: String?
    /// Output of the tool involved (capped), when there is any.
    package var excerpt: String?

    package init(_ message: String, expected: String? = nil, actual: String? = nil, excerpt: String? = nil) {
        self.message = message
        self.expected = expected
        self.actual = actual
        self.excerpt = excerpt
    }
}
