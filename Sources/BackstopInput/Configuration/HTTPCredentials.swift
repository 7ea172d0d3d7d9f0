import Foundation
import Yams

/// How Backstop authenticates to an HTTP service (Loki, Jira Data Center…), or how a caller
/// authenticates to Backstop: the two forms Prometheus' and Alertmanager's `http_config` send.
package enum HTTPCredentials: Sendable, Equatable {
    case bearer(Secret)
    case basic(username: String, password: Secret)

    /// False when a read-only command loaded the configuration without this credential.
    package var isAvailable: Bool {
        switch self {
        case .bearer(let token): token.isAvailable
        case .basic(_, let password): password.isAvailable
        }
    }

    /// The `Authorization` header value.
    package var authorizationHeader: String {
        switch self {
        case .bearer(let token): "Bearer \(token.value)"
        case .basic(let username, let password): "Basic \(Data("\(username):\(password.value)".utf8).base64EncodedString())"
        }
    }
}

extension ConfigReader {
    /// Reads `bearer_token_file`/`_env` or `basic_auth: {username, password_file|_env}` from
    /// `fields`; nil when neither is given.
    func httpCredentials(_ fields: [String: Node], path: String, baseDirectory: String, parent: Node?) -> HTTPCredentials? {
        let bearer = secret(fields, "bearer_token", path: path, baseDirectory: baseDirectory, required: false, parent: parent)
        guard let basicNode = fields["basic_auth"] else { return bearer.map(HTTPCredentials.bearer) }
        if bearer != nil {
            report(basicNode, "\(path).basic_auth", "give either bearer_token_file or basic_auth, not both")
            return nil
        }
        let basicPath = "\(path).basic_auth"
        guard let basic = mapping(basicNode, basicPath, allowed: ["username", "password_file", "password_env"]),
            let username = nonEmptyString(
                require(basic["username"], in: basicNode, "\(basicPath).username", "the user name"), "\(basicPath).username"),
            let password = secret(basic, "password", path: basicPath, baseDirectory: baseDirectory, required: true, parent: basicNode)
        else { return nil }
        return .basic(username: username, password: password)
    }
}
