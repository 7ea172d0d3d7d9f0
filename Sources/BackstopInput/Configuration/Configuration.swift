import BackstopCore
import Foundation

/// Backstop's validated configuration. Relative paths are already resolved against the
/// configuration file's directory.
package struct Configuration: Sendable {
    /// Default listen port. The exporter range 9100–9999 of the Prometheus wiki's default port
    /// allocations is fully taken (9731 too); 10027 follows the page's list of exporters outside
    /// that range (10001–10026) and is not on it.
    package static let defaultPort = 10027

    package var listenHost = "127.0.0.1"
    package var listenPort = Configuration.defaultPort
    package var sqlitePath: String
    /// `storage.postgres:`, set instead of `storage.sqlite` (then `sqlitePath` is empty).
    package var postgresStore: PostgresStoreConfiguration?
    /// Assets verified (and hashed) at once.
    package var verifyConcurrency = 2
    package var schedules: [String: Schedule]
    package var restoreSampling = RestoreSampling()
    package var scratchRoot = "/var/tmp/backstop"
    package var restoreOutputLimit = 64 << 10
    /// `restore_tests.cluster_concurrency`: restore tests at once across every replica sharing
    /// `storage.postgres`; nil for no limit beyond each run's one at a time.
    package var restoreClusterConcurrency: Int?
    package var assets: [Asset]
    /// Rules from `diagnosis.rules`, checked before the built-in table.
    package var diagnosisRules: [DiagnosisRule] = []
    /// Whether failed backups' targets are probed (free space, permissions, reachability).
    package var probes = true
    /// Where services' logs are read from for correlation.
    package var logSources: [LogSourceConfiguration] = []
    package var logPaddingBefore: Duration = .seconds(1_800)
    package var logPaddingAfter: Duration = .seconds(300)
    package var logTimeout: Duration = .seconds(10)
    /// Runbook links by cause, put into reports.
    package var runbooks: [FailureCause: String] = [:]
    /// Which failures are retried automatically, and how hard.
    package var recovery = RecoveryPolicy()
    /// Where incidents go and how they are de-duplicated (`incidents.dry_run` mirrors `dry_run`).
    package var incidents = IncidentPolicy()
    /// Each configured sink's settings by name (`incidents.<name>`); each sink's folder adds a
    /// typed accessor (`configuration.jira`).
    package var sinks: [SinkKind: any SinkSettings] = [:]
    /// How the outbox retries calls to the sinks.
    package var delivery = DeliveryPolicy()
    /// The weekly trend digest; nil when `digest: { enabled: false }`.
    package var digest: DigestConfiguration?
    /// The Alertmanager webhook; nil leaves `POST /api/v1/alerts` disabled.
    package var webhook: WebhookConfiguration?
    /// Who may call the HTTP API (`api:`).
    package var api = APIAccess()
    /// TLS and basic-auth users from the exporter-toolkit web configuration (`web_config_file:`
    /// or `serve --web.config.file`); nil serves plain HTTP with `api:` alone.
    package var web: WebConfiguration?
    /// PostgreSQL binaries and user for restores into throwaway clusters.
    package var postgres = PostgresSettings()
    /// Record and log every mutating action (retry commands, sink calls) instead of doing it.
    package var dryRun: Bool {
        get { incidents.dryRun }
        set { incidents.dryRun = newValue }
    }

    package init(sqlitePath: String, schedules: [String: Schedule], assets: [Asset]) {
        self.sqlitePath = sqlitePath
        self.schedules = schedules
        self.assets = assets
    }

    package func asset(named name: String) -> Asset? { assets.first { $0.name == name } }
}

/// One entry of `logs.sources`.
package enum LogSourceConfiguration: Sendable, Equatable {
    case file(path: String, timeZone: TimeZone)
    case journald(unit: String, directory: String?, files: [String])
    case loki(LokiSourceConfiguration)
}

/// A `type: loki` log source.
package struct LokiSourceConfiguration: Sendable, Equatable {
    /// Base URL, e.g. `http://loki:3100`.
    package var url: String
    /// LogQL selector template; `{service}` is replaced by the service name.
    package var query = #"{service="{service}"}"#
    /// `X-Scope-OrgID`, for multi-tenant Loki.
    package var tenant: String?
    package var credentials: HTTPCredentials?
    /// Entries per `query_range` request (Loki's default `max_entries_limit_per_query` is 5000).
    package var pageSize = 1_000

    package init(url: String) { self.url = url }
}
