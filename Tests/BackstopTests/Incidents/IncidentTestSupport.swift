import Backstop
import BackstopCore
import BackstopTesting
import Foundation

/// Assets, logs and sink configuration shared by the incident tests.
enum IncidentFixtures {
    static let routingKey = "0123456789abcdef0123456789abcdef"

    /// A nightly tar.gz asset restored for real; `retry` is an argv for `backup.retry`.
    static func asset(_ name: String, retry: [String]? = nil) -> String {
        let retryLine = retry.map { "\n      retry: [\($0.map { "\"\($0)\"" }.joined(separator: ", "))]" } ?? ""
        return """
              - name: \(name)
                kind: database
                schedule: nightly
                service: \(name)-api
                backup:
                  type: files
                  path: backups/\(name)-*.tar.gz
                  checksum: sidecar\(retryLine)
                \(ServeFixtures.tarRestore)
            """
    }

    /// Logs read from files, and incidents sent to PagerDuty at `url`.
    static func pagerDutyConfiguration(url: String, extra: String = "") -> String {
        """
        logs:
          sources:
            - { type: file, path: "./logs/{service}.log" }
        incidents:
          sink: pagerduty
          page: pagerduty
          report_base_url: https://backstop.example.com
          pagerduty: { url: "\(url)", routing_key_file: ./pagerduty-key }
        \(extra)
        """
    }

    /// A healthy artifact of the nightly window.
    static func writeHealthy(_ harness: Harness, asset: String) async throws {
        let artifact = try await harness.fixtures.archive("backups/\(asset)-2026-11-22.tar.gz")
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
    }

    /// An artifact cut in half: checksum and restore fail (`corrupted_artifact`).
    static func writeTruncated(_ harness: Harness, asset: String) async throws {
        let artifact = try await harness.fixtures.archive("backups/\(asset)-2026-11-22.tar.gz", rows: 2_000)
        let size = (try FileManager.default.attributesOfItem(atPath: artifact)[.size] as? Int) ?? 0
        try await harness.fixtures.truncate(artifact, to: size / 2)
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
    }

    /// The service's log during the window: the line every incident must carry.
    static func writeLog(_ harness: Harness, asset: String) throws -> String {
        let line = "2026-11-22T02:31:07Z ERROR \(asset)-api: write to /backups failed: input/output error"
        _ = try harness.directory.write("logs/\(asset)-api.log", "2026-11-22T02:30:00Z INFO \(asset)-api: backup started\n\(line)\n")
        _ = try harness.directory.write("pagerduty-key", routingKey + "\n")
        return "write to /backups failed: input/output error"
    }
}

extension BackstopServices {
    /// What `serve` does for one manual verification, in the test's order: verify every asset,
    /// triage the run, then deliver whatever the outbox holds that is due.
    @discardableResult
    func verifyTriageAndDeliver(deliver: Bool = true) async throws -> VerificationRun {
        let run = try await runner.run(VerificationRequest(trigger: .manual))
        await triage.handle(run)
        if deliver { try await self.delivery.deliverDue() }
        return run
    }
}
