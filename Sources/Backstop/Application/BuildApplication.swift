import BackstopCore
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// Builds the HTTP application with every route and the background services (scheduler, the
/// durable queues of events, recorded runs and notifications, outbox delivery). `serve` and the
/// tests call this, so tests exercise the real wiring. Each route and service is handed only
/// what it uses.
///
/// `runBackgroundServices: false` leaves only the HTTP routes, for tests that drive triage and
/// delivery step by step (HummingbirdTesting runs an application's services in every mode).
/// `server` is plain HTTP/1.1, or TLS from the web configuration (`serve` builds it).
package func buildApplication(
    services: BackstopServices, runScheduler: Bool = true, runBackgroundServices: Bool = true, server: HTTPServerBuilder = .http1()
) -> some ApplicationProtocol {
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
    HealthController(
        record: services.store, schedules: services.configuration.schedules, clock: services.clock, logger: services.logger
    ).addRoutes(to: router)
    let store = services.store
    EventsController(
        record: GroupCommit { events async throws(StoreError) in
            try await store.append(events: events)
            return events.map { _ in () }
        }, assets: services.configuration.assets, clock: services.clock, logger: services.logger,
        events: services.events
    ).addRoutes(to: router)
    AlertsController(
        webhook: services.configuration.webhook,
        intakeRecord: GroupCommittedIntake(store: services.store, priority: services.alerts.handler.priority),
        metrics: services.metrics,
        clock: services.clock,
        logger: services.logger, intake: services.alerts
    ).addRoutes(to: router)
    RunsController(record: services.store, reporter: services.reporter).addRoutes(to: router)
    IncidentsController(ledger: services.store, policy: services.configuration.incidents).addRoutes(to: router)
    ApprovalsController(
        approvals: services.store, access: services.configuration.api, clock: services.clock, logger: services.logger,
        decided: { [approvals = services.approvals] in approvals.notify() }
    ).addRoutes(to: router)
    StatusBoardController(
        store: services.store, assets: services.configuration.assets, schedules: services.configuration.schedules.keys.sorted(),
        clock: services.clock
    ).addRoutes(to: router)
    BoardPagesController(
        store: services.store, assets: services.configuration.assets, policy: services.configuration.incidents,
        apiBase: services.configuration.apiBase, clock: services.clock
    ).addRoutes(to: router)
    RunbooksController().addRoutes(to: router)
    let digestWriter = services.configuration.digest.map {
        DigestWriter(store: services.store, assets: services.configuration.assets, directory: $0.directory)
    }
    DigestsController(digest: services.configuration.digest, clock: services.clock, writer: digestWriter).addRoutes(to: router)

    var background: [any Service] =
        runBackgroundServices
        ? [services.events, services.triage, services.alerts, services.delivery, services.approvals, services.watcher] : []
    if runBackgroundServices, let sweep = services.sweep { background.append(sweep) }
    if runBackgroundServices, let drain = services.bufferDrain { background.append(drain) }
    if runBackgroundServices, let exporter = services.exporter { background.append(exporter) }
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
