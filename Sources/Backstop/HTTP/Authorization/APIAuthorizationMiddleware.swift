import HTTPTypes
import Hummingbird
import Logging

/// Authenticates every request once, before routing: a bearer token from `api.tokens` whose
/// role grants the route's access in ``RouteAccess/table`` (401 without a known token, 403 when
/// its role does not suffice). `POST /api/v1/alerts` also accepts the `webhook:` credentials.
///
/// A user of the web configuration's `basic_auth_users` (`--web.config.file`) authenticates with
/// Basic credentials and has the `read` role: it is what Prometheus scrapes with, and the
/// exporter-toolkit file has no roles; ingest and operator callers keep using `api.tokens`.
/// Without tokens and basic-auth users the API is open (allowed only on loopback, with verified
/// client certificates, or with `api.insecure_open`).
struct APIAuthorizationMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: APIAccess
    let webhook: WebhookAuthenticator?
    /// The web configuration's basic-auth users; nil when there are none.
    let basicAuth: BasicAuthVerifier?
    let logger: Logger
    /// Called when an Alertmanager notification is refused, for its metric.
    let rejectedAlert: @Sendable () -> Void

    init(
        access: APIAccess, webhook: WebhookAuthenticator?, basicAuth: BasicAuthVerifier? = nil, logger: Logger,
        rejectedAlert: @escaping @Sendable () -> Void
    ) {
        self.access = access
        self.webhook = webhook
        self.basicAuth = basicAuth.flatMap { $0.isEmpty ? nil : $0 }
        self.logger = logger
        self.rejectedAlert = rejectedAlert
    }

    /// Whether a route that needs a role needs credentials at all.
    private var credentialsRequired: Bool { !access.tokens.isEmpty || basicAuth != nil }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let required = RouteAccess.required(method: request.method, path: request.uri.path)
        let header = request.headers[.authorization]
        switch required {
        case .open:
            break
        case .role(let role):
            if credentialsRequired { try await authorize(header, role, request: request, webhookRoute: false) }
        case .webhook:
            let webhookCredentials = webhook?.expected != nil
            if webhookCredentials, webhook?.allows(header) == true { break }
            if !credentialsRequired, !webhookCredentials { break }
            do {
                try await authorize(header, .ingest, request: request, webhookRoute: true)
            } catch {
                rejectedAlert()
                throw error
            }
        }
        return try await next(request, context)
    }

    private func authorize(_ header: String?, _ role: APIRole, request: Request, webhookRoute: Bool) async throws {
        if let basicAuth, BasicAuthVerifier.isBasic(header), let user = await basicAuth.user(authorization: header) {
            guard APIRole.read.grants(role) else {
                logger.info(
                    "refused a basic-auth user on a route beyond read", metadata: ["user": "\(user)", "path": "\(request.uri.path)"])
                throw HTTPError(
                    .forbidden,
                    message: "the basic-auth user '\(user)' of the web configuration has role read; this route needs \(role.rawValue) "
                        + "(use a token from api.tokens)")
            }
            return
        }
        guard let presented = Self.bearer(header), let token = access.token(presented: presented) else {
            logger.debug("refused a request without valid credentials", metadata: ["path": "\(request.uri.path)"])
            throw HTTPError(
                .unauthorized, headers: challenges(webhookRoute: webhookRoute),
                message: "missing or wrong credentials: \(expectedCredentials(webhookRoute: webhookRoute))")
        }
        guard token.role.grants(role) else {
            logger.info(
                "refused a request whose token lacks the role",
                metadata: ["token": "\(token.name)", "role": "\(token.role.rawValue)", "path": "\(request.uri.path)"])
            throw HTTPError(
                .forbidden, message: "the token '\(token.name)' has role \(token.role.rawValue); this route needs \(role.rawValue)")
        }
    }

    /// What a refused caller should send, for the 401's message.
    private func expectedCredentials(webhookRoute: Bool) -> String {
        var ways: [String] = []
        if webhookRoute, webhook?.expected != nil { ways.append("the webhook's credentials from `webhook:`") }
        if !access.tokens.isEmpty {
            ways.append(webhookRoute ? "an ingest token from api.tokens" : "`Authorization: Bearer <token>` with a token from api.tokens")
        }
        if basicAuth != nil, !webhookRoute { ways.append("basic auth as a user of the web configuration's basic_auth_users") }
        return "send " + (ways.isEmpty ? "an ingest token from api.tokens" : ways.joined(separator: " or "))
    }

    /// `WWW-Authenticate` for a 401: Bearer; Basic with basic-auth users, and on the webhook when
    /// `webhook:` uses basic auth.
    private func challenges(webhookRoute: Bool) -> HTTPFields {
        var fields = HTTPFields()
        let basicWebhook: Bool
        if case .basic = webhook?.expected { basicWebhook = webhookRoute } else { basicWebhook = false }
        let basic = basicWebhook || basicAuth != nil
        if basic { fields.append(HTTPField(name: .wwwAuthenticate, value: #"Basic realm="backstop""#)) }
        if !basic || !access.tokens.isEmpty {
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
