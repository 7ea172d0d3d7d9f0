import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

@Suite struct WebhookConfigurationTests {
    static func parse(_ webhook: String, in directory: TemporaryDirectory) throws -> Configuration {
        let yaml = """
            storage: { sqlite: ./backstop.db }
            schedules: { nightly: { cron: "0 2 * * *" } }
            assets:
              - { name: orders-db, schedule: nightly, backup: { path: /b/*.gz } }
            \(webhook)
            """
        return try ConfigurationLoader.parse(yaml, file: "backstop.yml", baseDirectory: directory.path)
    }

    @Test func theIssuesExampleParsesAsWritten() throws {
        let directory = try TemporaryDirectory()
        try directory.write("webhook-token", "t0ken\n")
        let configuration = try Self.parse(
            """
            webhook:
              bearer_token_file: webhook-token
              max_body_size: 1MiB
              alert_mapping: { asset_label: backup_asset, jobs: { pgbackrest: orders-db }, instances: { "db1:9854": orders-db } }
            """, in: directory)
        let webhook = try #require(configuration.webhook)
        #expect(webhook.credentials == .bearer(Secret("t0ken")))
        #expect(webhook.maxBodyBytes == 1 << 20)
        #expect(
            webhook.mapping
                == AlertMapping(assetLabel: "backup_asset", jobs: ["pgbackrest": "orders-db"], instances: ["db1:9854": "orders-db"]))
    }

    @Test func withoutTheKeyTheWebhookIsOff() throws {
        #expect(try Self.parse("", in: try TemporaryDirectory()).webhook == nil)
    }

    @Test func webhookMistakesAreNamedWithTheirKeyPath() throws {
        let directory = try TemporaryDirectory()
        try directory.write("token", "x")
        let error = try #require(throws: ConfigurationError.self) {
            try Self.parse(
                """
                webhook:
                  bearer_token_file: token
                  basic_auth: { username: am, password_file: token }
                  max_body_size: 10
                  alert_mapping: { jobs: { pgbackrest: billing-db }, labels: x }
                """, in: directory)
        }
        let text = error.description
        #expect(text.contains("webhook.basic_auth: give either bearer_token_file or basic_auth, not both"), "\(text)")
        #expect(text.contains("webhook.max_body_size: 10 bytes is too small"), "\(text)")
        #expect(text.contains("webhook.alert_mapping.jobs.pgbackrest: 'billing-db' is not an asset"), "\(text)")
        #expect(text.contains("webhook.alert_mapping.labels"), "\(text)")
        let missing = try #require(throws: ConfigurationError.self) {
            try Self.parse("webhook: { bearer_token_file: nowhere }", in: directory)
        }
        #expect(missing.description.contains("webhook.bearer_token_file: cannot read"), "\(missing.description)")
    }
}

/// Which asset an alert is about.
@Suite struct AlertMappingTests {
    static let mapping = AlertMapping(jobs: ["pgbackrest": "orders-db"], instances: ["velero:8085": "cluster-volumes"])
    static let configured: Set<String> = ["orders-db", "cluster-volumes", "users-db"]

    @Test(arguments: [
        (["asset": "users-db", "job": "pgbackrest"], AlertMapping.Target.asset("users-db")),
        (["asset": "unknown", "job": "pgbackrest"], .asset("orders-db")),
        (["job": "velero", "instance": "velero:8085"], .asset("cluster-volumes")),
        (["job": "k8up", "service": "minio"], .unmapped(name: "minio", service: "minio")),
        (["asset": "legacy-nas", "job": "rsnapshot"], .unmapped(name: "legacy-nas", service: "rsnapshot")),
        (["alertname": "DiskAlmostFull"], .unmapped(name: "DiskAlmostFull", service: nil)),
    ])
    func labelsMapToAnAssetOrAName(labels: [String: String], target: AlertMapping.Target) {
        #expect(Self.mapping.target(of: labels, configured: Self.configured) == target)
    }
}
