import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging

/// Configurations for real `backstop serve` processes sharing one real PostgreSQL (a fresh
/// database of ``SharedPostgres`` per test).
struct ReplicaFixtures {
    static let webhookToken = "replica-webhook-token"

    let directory: TemporaryDirectory
    let store: PostgresStoreConfiguration

    /// On `store`, or a fresh database of the shared PostgreSQL.
    static func make(store: PostgresStoreConfiguration? = nil) async throws -> ReplicaFixtures {
        let directory = try TemporaryDirectory()
        try directory.write("pg-password", PostgresStoreFixture.password + "\n")
        try directory.write("pagerduty-key", IncidentFixtures.routingKey)
        try directory.write("webhook-token", webhookToken)
        if let store { return ReplicaFixtures(directory: directory, store: store) }
        return ReplicaFixtures(directory: directory, store: try await SharedPostgres.freshDatabase())
    }

    /// A configuration for one replica listening on `port`; `assets` is YAML list items;
    /// `clusterRestores` sets `restore_tests.cluster_concurrency`, `buffer` `storage.postgres.buffer`.
    func configuration(
        port: Int, assets: String, pagerDuty: String, extra: String = "", lease: String = "30s", clusterRestores: Int? = nil,
        buffer: String? = nil
    ) throws -> String {
        try directory.write(
            "backstop-\(port).yml",
            """
            listen: 127.0.0.1:\(port)
            storage:
              postgres:
                url: postgres://\(store.user)@127.0.0.1:\(store.port)/\(store.database)?sslmode=disable
                password_file: ./pg-password
                lease: \(lease)\(buffer.map { "\n    buffer: \($0)" } ?? "")
            schedules: { daily: { cron: "0 0 * * *", timezone: UTC, window: 1h, grace: 1m } }
            restore_tests: { sample: 100%, scratch: ./scratch-\(port)\(clusterRestores.map { ", cluster_concurrency: \($0)" } ?? "") }
            diagnosis: { probes: false }
            assets:
            \(assets)
            webhook: { bearer_token_file: ./webhook-token }
            incidents:
              sink: pagerduty
              page: pagerduty
              pagerduty: { url: "\(pagerDuty)", routing_key_file: ./pagerduty-key }
            \(extra)
            """)
    }

    /// `count` tar.gz backups with sidecars, `backups/asset-N-1.tar.gz`, fresh; those in
    /// `broken` truncated after their sidecar was written (only the restore test can tell).
    func writeBackups(count: Int, broken: Set<Int>) async throws {
        let backups = BackupFixtures(directory: directory)
        for index in 0..<count {
            let artifact = try await backups.archive("backups/asset-\(index)-1.tar.gz")
            if broken.contains(index) {
                let size = (try FileManager.default.attributesOfItem(atPath: artifact)[.size] as? Int) ?? 0
                try await backups.truncate(artifact, to: size / 2)
            }
            try backups.setModified(artifact, to: Date())
        }
    }

    /// YAML list items for the assets of ``writeBackups(count:broken:)``, each with `restore`.
    static func assetLines(count: Int, restore: String) -> String {
        (0..<count).map { index in
            "  - { name: asset-\(index), schedule: daily, backup: { path: backups/asset-\(index)-*.tar.gz, checksum: sidecar }, \(restore) }"
        }.joined(separator: "\n")
    }

    /// The shared store, opened by the test to read what the replicas recorded.
    func open() async throws -> PostgresStore {
        try await PostgresStore.open(store, logger: PostgresStoreFixture.quietLogger)
    }

    static func alert(service: String, status: String = "firing") -> Data {
        Data(
            """
            {"receiver":"backstop","status":"\(status)","groupKey":"{}:{job=\\"\(service)\\"}","version":"4","truncatedAlerts":0,
             "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am:9093",
             "alerts":[{"status":"\(status)","labels":{"alertname":"BackupJobFailed","job":"\(service)","severity":"critical"},
                        "annotations":{"summary":"\(service) backup failed: connection timed out"},
                        "startsAt":"2026-11-23T02:00:00.000Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"fp-\(service)"}]}
            """.utf8)
    }
}
