import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// Checks `Authorization: Basic` credentials against the web configuration's
/// `basic_auth_users` bcrypt hashes (HummingbirdBcrypt, on NIO's thread pool so a slow hash never
/// blocks the request tasks).
///
/// As in the exporter toolkit, a successful check is cached, so a scrape every few seconds costs
/// one hash at start rather than one per scrape: the cache keeps a SHA-256 digest of user, hash
/// and password, never the password. An unknown user is checked against a dummy hash, so the time
/// an answer takes does not tell which user names exist.
package final class BasicAuthVerifier: Sendable {
    private let users: [String: String]
    private let verified = Mutex<Set<SHA256.Digest>>([])
    /// The bcrypt of a random password, for unknown users.
    private let dummyHash: String

    package init(users: [String: String]) {
        self.users = users
        let cost = users.values.compactMap { UInt8($0.dropFirst(4).prefix(2)) }.max() ?? 10
        dummyHash = users.isEmpty ? "" : Bcrypt.hash(UUID().uuidString, cost: min(max(cost, 4), 14))
    }

    package var isEmpty: Bool { users.isEmpty }

    /// The user the header authenticates, or nil (no Basic credentials, an unknown user, or a
    /// wrong password).
    package func user(authorization header: String?) async -> String? {
        guard let (user, password) = Self.credentials(header) else { return nil }
        let hash = users[user] ?? dummyHash
        let key = SHA256.hash(data: Data("\(user)\u{0}\(hash)\u{0}\(password)".utf8))
        if users[user] != nil, verified.withLock({ $0.contains(key) }) { return user }
        let matches = (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }) ?? false
        guard matches, users[user] != nil else { return nil }
        verified.withLock { cache in
            if cache.count >= 1_000 { cache.removeAll() }
            cache.insert(key)
        }
        return user
    }

    /// User and password of a `Basic` authorization (scheme case-insensitive, RFC 9110).
    static func credentials(_ header: String?) -> (String, String)? {
        guard let header, let space = header.firstIndex(of: " "), header[..<space].lowercased() == "basic" else { return nil }
        let encoded = header[header.index(after: space)...].trimmingCharacters(in: .whitespaces)
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// Whether the header uses the Basic scheme at all.
    static func isBasic(_ header: String?) -> Bool {
        guard let header, let space = header.firstIndex(of: " ") else { return false }
        return header[..<space].lowercased() == "basic"
    }
}
