import Crypto
import Foundation
import HTTPTypes

/// Checks the `Authorization` header Alertmanager's `http_config` sends (bearer token or basic
/// auth) against the configured credentials, in constant time.
struct WebhookAuthenticator: Sendable {
    /// Nil lets every request in.
    let expected: HTTPCredentials?
    /// The expected scheme, lowercased, and the digest of the expected credentials, worked out
    /// once rather than per request.
    private let check: (scheme: String, digest: SHA256.Digest)?

    init(expected credentials: HTTPCredentials?) {
        expected = credentials
        check = credentials.map { credentials in
            // "Bearer <token>" or "Basic <base64>": the scheme, a space, the credentials.
            let header = credentials.authorizationHeader
            let scheme = header.prefix { $0 != " " }
            return (scheme.lowercased(), SHA256.hash(data: Data(header.dropFirst(scheme.count + 1).utf8)))
        }
    }

    func allows(_ header: String?) -> Bool {
        guard let check else { return true }
        guard let header else { return false }
        // The scheme is case-insensitive (RFC 9110); the credentials are not.
        // Compared and hashed on the header's own bytes: every notification of a storm is
        // checked, and a lowercased copy of the scheme and a `Data` of the credentials were
        // four allocations each time.
        let bytes = header.utf8
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")),
            Self.equalIgnoringASCIICase(bytes[..<space], check.scheme.utf8)
        else { return false }
        // Optional whitespace around a field value is spaces and tabs (RFC 9110, 5.6.3); trimmed
        // on the bytes, where Foundation's `trimmingCharacters` showed in the webhook's profile.
        var presented = bytes[bytes.index(after: space)...]
        while let first = presented.first, Self.isOptionalWhitespace(first) { presented = presented.dropFirst() }
        while let last = presented.last, Self.isOptionalWhitespace(last) { presented = presented.dropLast() }
        // swift-crypto compares digests in constant time; hashing first also hides the length.
        let digest =
            presented.withContiguousStorageIfAvailable { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
            ?? SHA256.hash(data: Data(presented))
        return digest == check.digest
    }

    /// `text` equals `lowercase` (already lowercased) when ASCII letters are lowercased.
    private static func equalIgnoringASCIICase(_ text: Substring.UTF8View, _ lowercase: String.UTF8View) -> Bool {
        text.elementsEqual(lowercase) { byte, expected in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 == expected : byte == expected
        }
    }

    private static func isOptionalWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
}
