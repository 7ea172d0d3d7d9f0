import HTTPTypes
import Hummingbird
import Logging

/// Authenticates every request once, before routing: a bearer token from `api.tokens` whose
/// role grants the route's access in ``RouteAccess/table`` (401 without a known token, 403 when
/// its role does not suffice). `POST /api/v1/alerts` also accepts the `webhook:` credentials.
/// Without tokens the API is open (allowed only on loopback or with `api.insecure_open`).
struct APIAuthorizationMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: APIAccess
    let webhook: WebhookAuthenticator?
    let logger: Logger
    /// Called when an Alertmanager notification is refused, for its metric.
    let rejectedAlert: @Sendable () -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let required = RouteAccess.required(method: request.method, path: request.uri.path)
        let header = request.headers[.authorization]
        switch required {
        case .open:
            break
        case .role(let role):
            if !access.tokens.isEmpty { try authorize(header, role, request: request, webhookRoute: false) }
        case .webhook:
            let webhookCredentials = webhook?.expected != nil
            if webhookCredentials, webhook?.allows(header) == true { break }
            if access.tokens.isEmpty, !webhookCredentials { break }
            do {
                try authorize(header, .ingest, request: request, webhookRoute: true)
            } catch {
                rejectedAlert()
                throw error
            }
        }
        return try await next(request, context)
    }

    private func authorize(_ header: String?, _ role: APIRole, request: Request, webhookRoute: Bool) throws {
        guard let presented = Self.bearer(header), let token = access.token(presented: presented) else {
            logger.debug("refused a request without valid credentials", metadata: ["path": "\(request.uri.path)"])
            let what =
                webhookRoute
                ? "send the webhook's credentials from `webhook:`\(access.tokens.isEmpty ? "" : " or an ingest token from api.tokens")"
                : "send `Authorization: Bearer <token>` with a token from api.tokens"
            throw HTTPError(
                .unauthorized, headers: challenges(webhookRoute: webhookRoute), message: "missing or wrong credentials: \(what)")
        }
        guard token.role.grants(role) else {
            logger.info(
                "refused a request whose token lacks the role",
                metadata: ["token": "\(token.name)", "role": "\(token.role.rawValue)", "path": "\(request.uri.path)"])
            throw HTTPError(
                .forbidden, message: "the token '\(token.name)' has role \(token.role.rawValue); this route needs \(role.rawValue)")
        }
    }

    /// `WWW-Authenticate` for a 401: Bearer, and Basic on the webhook when `webhook:` uses basic auth.
    private func challenges(webhookRoute: Bool) -> HTTPFields {
        var fields = HTTPFields()
        let basicWebhook: Bool
        if case .basic = webhook?.expected { basicWebhook = webhookRoute } else { basicWebhook = false }
        if basicWebhook { fields.append(HTTPField(name: .wwwAuthenticate, value: #"Basic realm="backstop""#)) }
        if !basicWebhook || !access.tokens.isEmpty {
            fields.append(HTTPField(name: .wwwAuthenticate, value: #"Bearer realm="backstop""#))
        }
        return fields
    }

    /// The credentials of a `Bearer` authorization (the scheme is case-insensitive, RFC 9110).
    static func bearer(_ header: String?) -> String? {
        guard let header, let space = header.firstIndex(of: " "), header[..<space].lowercased() == "bearer" else { return nil }
        let token = header[header.index(after: space)...].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
