import ArgumentParser
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import ServiceLifecycle

/// `backstop serve`: the long-running server (scheduler, events, metrics, status board).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the scheduler and the HTTP server (/metrics, /api/v1/events, /api/v1/alerts, status board at /), the weekly digest.",
        discussion: "SIGTERM or SIGINT shut down gracefully: a verification in flight finishes or is recorded as aborted.")

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("Listen address, overriding the configuration's listen.", valueName: "host:port"))
    var listen: String?

    @Option(
        name: .customLong("web.config.file"),
        help: ArgumentHelp(
            "Prometheus exporter-toolkit web configuration (TLS, basic-auth users), replacing the configuration's web_config_file.",
            valueName: "file"))
    var webConfigFile: String?

    @Flag(help: "Record and log retries and incident deliveries as what would be done, without running or sending them.")
    var dryRun = false

    func run() async throws {
        var configuration = try options.loadConfiguration(webConfigFile: webConfigFile)
        if dryRun { configuration.dryRun = true }
        if let listen {
            guard let address = ListenAddress.parse(listen) else {
                throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:10027 or [::1]:10027")
            }
            configuration.listenHost = address.host
            configuration.listenPort = address.port
        }
        if let problem = configuration.api.listenProblem(host: configuration.listenHost, web: configuration.web) {
            throw ValidationError("--listen: \(problem)")
        }
        let logger = options.makeLogger()
        let services = try await BackstopServices.make(configuration: configuration, logger: logger)
        // With storage.postgres.buffer, serve starts while PostgreSQL is down: say so at once.
        let onBuffer = (services.store as? any BufferedStore)?.buffer?.status.schemaPending == true
        logger.info(
            "starting backstop",
            metadata: [
                "version": "\(BackstopVersion.version)", "listen": "\(configuration.listenHost):\(configuration.listenPort)",
                "tls": "\(configuration.web?.tls != nil)",
                "assets": "\(configuration.assets.count)", "store": "\(configuration.storeDescription)",
                "store_mode": "\(onBuffer ? "buffer only: PostgreSQL unreachable, migrated and drained when it answers" : "direct")",
                "incidents": "\(configuration.incidents.sink?.rawValue ?? "ledger only")", "dry_run": "\(configuration.dryRun)",
            ])
        for missing in ToolAvailability.missingTools(for: configuration.assets) {
            logger.warning(
                "backup tool not installed: its verification will fail with missing_dependency",
                metadata: ["asset": "\(missing.asset)", "tool": "\(missing.tool)"])
        }
        logAccess(configuration, logger: logger)
        let server = try configuration.web?.tls.map { try HTTPServerBuilder.tls(.http1(), tlsConfiguration: $0.serverConfiguration) }
        let app = buildApplication(services: services, server: server ?? .http1())
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// Says at start who may call the API; names tokens and roles, never the tokens themselves.
    private func logAccess(_ configuration: Configuration, logger: Logger) {
        let listen = "\(configuration.listenHost):\(configuration.listenPort)"
        if let web = configuration.web, web.authenticatesClients {
            // User names only: the hashes stay out of the log.
            logger.info(
                "the HTTP API requires credentials: basic-auth users (role read) or client certificates, and api.tokens",
                metadata: [
                    "basic_auth_users": "\(web.basicAuthUsers.keys.sorted().joined(separator: ", "))",
                    "client_auth": "\(web.tls?.clientAuth.rawValue ?? WebTLS.ClientAuth.none.rawValue)",
                    "tokens": "\(configuration.api.tokens.map(\.description).joined(separator: ", "))",
                ])
        } else if !configuration.api.tokens.isEmpty {
            logger.info(
                "the HTTP API requires bearer tokens",
                metadata: ["tokens": "\(configuration.api.tokens.map(\.description).joined(separator: ", "))"])
        } else if ListenAddress.isLoopback(configuration.listenHost) {
            logger.notice(
                "the HTTP API is unauthenticated on loopback: any local user may call it; add api.tokens to require tokens",
                metadata: ["listen": "\(listen)"])
        } else {
            logger.warning(
                "the HTTP API is unauthenticated and open to the network (api.insecure_open: true)", metadata: ["listen": "\(listen)"])
        }
    }
}
