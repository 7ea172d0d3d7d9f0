import ArgumentParser
import Hummingbird
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

    @Flag(help: "Record and log retries and incident deliveries as what would be done, without running or sending them.")
    var dryRun = false

    func run() async throws {
        var configuration = try options.loadConfiguration()
        if dryRun { configuration.dryRun = true }
        if let listen {
            guard let address = ListenAddress.parse(listen) else {
                throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:10027 or [::1]:10027")
            }
            configuration.listenHost = address.host
            configuration.listenPort = address.port
        }
        if let problem = configuration.api.listenProblem(host: configuration.listenHost) {
            throw ValidationError("--listen: \(problem)")
        }
        let logger = options.makeLogger()
        let services = try await BackstopServices.make(configuration: configuration, logger: logger)
        logger.info(
            "starting backstop",
            metadata: [
                "version": "\(BackstopVersion.version)", "listen": "\(configuration.listenHost):\(configuration.listenPort)",
                "assets": "\(configuration.assets.count)", "store": "\(configuration.sqlitePath)",
                "incidents": "\(configuration.incidents.sink?.rawValue ?? "ledger only")", "dry_run": "\(configuration.dryRun)",
            ])
        for missing in ToolAvailability.missingTools(for: configuration.assets) {
            logger.warning(
                "backup tool not installed: its verification will fail with missing_dependency",
                metadata: ["asset": "\(missing.asset)", "tool": "\(missing.tool)"])
        }
        logAccess(configuration, logger: logger)
        let app = buildApplication(services: services)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// Says at start who may call the API; names tokens and roles, never the tokens themselves.
    private func logAccess(_ configuration: Configuration, logger: Logger) {
        let listen = "\(configuration.listenHost):\(configuration.listenPort)"
        if !configuration.api.tokens.isEmpty {
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
