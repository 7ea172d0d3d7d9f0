import Foundation

#if !FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    import Crypto
#endif

/// What a caller of the HTTP API may do. `operator` includes `read`; `ingest` only reports.
package enum APIRole: String, Sendable, CaseIterable {
    case read
    case `operator`
    case ingest

    /// Whether a token of this role may use a route that requires `required`.
    package func grants(_ required: APIRole) -> Bool {
        self == required || (self == .operator && required == .read)
    }
}

/// One entry of `api.tokens`. Only the token's SHA-256 digest is kept, so the token itself
/// cannot leak through a description, a log line or a dump.
package struct APIToken: Sendable, Equatable, CustomStringConvertible {
    package var name: String
    package var role: APIRole
    package var digest: SHA256.Digest

    package init(name: String, role: APIRole, token: Secret) {
        self.name = name
        self.role = role
        self.digest = SHA256.hash(data: Data(token.value.utf8))
    }

    package var description: String { "\(name) (\(role.rawValue))" }
}

/// `api:`: who may call the HTTP API. Without tokens the API is open, which the configuration
/// allows only on a loopback address unless `insecure_open` says otherwise.
package struct APIAccess: Sendable, Equatable {
    package var tokens: [APIToken] = []
    package var insecureOpen = false

    package init(tokens: [APIToken] = [], insecureOpen: Bool = false) {
        self.tokens = tokens
        self.insecureOpen = insecureOpen
    }

    /// The token a bearer credential matches. Every digest is compared (in constant time, by
    /// swift-crypto), so the answer's timing tells nothing about which token came close.
    package func token(presented: String) -> APIToken? {
        let digest = SHA256.hash(data: Data(presented.utf8))
        var match: APIToken?
        for token in tokens where token.digest == digest && match == nil { match = token }
        return match
    }

    /// Why serving on `host` is not allowed, or nil when it is. Basic-auth users or verified
    /// client certificates from the web configuration count as authentication.
    package func listenProblem(host: String, web: WebConfiguration? = nil) -> String? {
        guard tokens.isEmpty, !insecureOpen, !ListenAddress.isLoopback(host), web?.authenticatesClients != true else { return nil }
        return "'\(host)' is not a loopback address and `api.tokens` is empty, so anyone who can reach the port could "
            + "post events and read reports; add api.tokens or basic_auth_users in a --web.config.file (see docs/CONFIGURATION.md), "
            + "listen on 127.0.0.1, or set api.insecure_open: true"
    }
}
