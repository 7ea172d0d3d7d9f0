import Crypto
import Foundation
import HTTPTypes

/// Checks the `Authorization` header Alertmanager's `http_config` sends (bearer token or basic
/// auth) against the configured credentials, in constant time.
struct WebhookAuthenticator: Sendable {
    let expected: HTTPCredentials?

    func allows(_ header: String?) -> Bool {
        guard let expected else { return true }
        guard let header else { return false }
        let expectedHeader = expected.authorizationHeader
        // The scheme is case-insensitive (RFC 9110); the credentials are not.
        guard let space = header.firstIndex(of: " "), let expectedSpace = expectedHeader.firstIndex(of: " "),
            header[..<space].lowercased() == expectedHeader[..<expectedSpace].lowercased()
        else { return false }
        let presented = header[header.index(after: space)...].trimmingCharacters(in: .whitespaces)
        let wanted = expectedHeader[expectedHeader.index(after: expectedSpace)...]
        // swift-crypto compares digests in constant time; hashing first also hides the length.
        return SHA256.hash(data: Data(presented.utf8)) == SHA256.hash(data: Data(wanted.utf8))
    }
}
