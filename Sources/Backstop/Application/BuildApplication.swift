import BackstopCore
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// Builds the HTTP application with every route and the background services (scheduler, event
/// processor, triage of runs and of alerts, outbox delivery). `serve` and the tests call this, so tests exercise the real wiring.
///
/// `runBackgroundServices: false` leaves only the HTTP routes, for tests that drive triage and
/// delivery step by step (HummingbirdTesting runs an application's services in every mode).
/// `server` is plain HTTP/1.1, or TLS from the web configuration (`serve` builds it).
package func buildApplication(
    services: BackstopServices, runScheduler: Bool = true, runBackgroundServices: Bool = true, server: HTTPServerBuilder = .http1()
) -> some ApplicationProtocol {
    let processor = EventProcessor(services: services)
    let router = Router()
    router.middlewares.add(LogRequestsMiddleware(.debug))
    let metrics = services.metrics
    router.middlewares.add(
        APIAuthorizationMiddleware(
            access: services.configuration.api,
            webhook: services.configuration.webhook.map { WebhookAuthenticator(expected: $0.credentials) },
            basicAuth: services.configuration.web.map { BasicAuthVerifier(users: $0.basicAuthUsers) },
            logger: services.logger, rejectedAlert: { metrics.recordNotification(status: "rejected") }))
    MetricsController(metrics: services.metrics).addRoutes(to: router)
    HealthController(services: services).addRoutes(to: router)
    EventsController(services: services, processor: processor).addRoutes(to: router)
    AlertsController(services: services, intake: services.alerts).addRoutes(to: router)
    RunsController(services: services).addRoutes(to: router)
    IncidentsController(services: services).addRoutes(to: router)
    StatusBoardController(services: services).addRoutes(to: router)
    BoardPagesController(services: services).addRoutes(to: router)
    RunbooksController().addRoutes(to: router)
    let digestWriter = services.configuration.digest.map {
        DigestWriter(store: services.store, assets: services.configuration.assets, directory: $0.directory)
    }
    DigestsController(services: services, writer: digestWriter).addRoutes(to: router)

    var background: [any Service] =
        runBackgroundServices ? [processor, services.triage, services.alerts, services.delivery, services.watcher] : []
    if runScheduler && runBackgroundServices {
        background.append(SchedulerService(services: services))
        if let digest = services.configuration.digest, let digestWriter {
            background.append(DigestService(writer: digestWriter, configuration: digest, clock: services.clock, logger: services.logger))
        }
    }
    return Application(
        router: router,
        server: server,
        configuration: .init(
            address: .hostname(services.configuration.listenHost, port: services.configuration.listenPort), serverName: "backstop"),
        services: background,
        logger: services.logger)
}
