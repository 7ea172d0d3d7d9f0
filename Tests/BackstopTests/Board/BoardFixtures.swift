import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Hummingbird

/// A store with one healthy asset (`orders-db`, restore-tested) and one corrupted one
/// (`users-db`, an open incident whose correlated log line holds a `<script>`), served by the
/// real application.
enum BoardFixtures {
    static let hostileLine = "<script>window.__xss=1</script> write to /backups failed"

    static let assets = """
          - name: orders-db
            kind: database
            schedule: nightly
            backup: { type: files, path: "backups/orders-db-*.tar.gz", checksum: sidecar }
            \(ServeFixtures.tarRestore)
          - name: users-db
            kind: volume
            schedule: nightly
            service: users-db-api
            backup: { type: files, path: "backups/users-db-*.tar.gz", checksum: sidecar }
            \(ServeFixtures.tarRestore)
        """

    static func services(_ harness: Harness) async throws -> (BackstopServices, VerificationRun) {
        try await IncidentFixtures.writeHealthy(harness, asset: "orders-db")
        try await IncidentFixtures.writeTruncated(harness, asset: "users-db")
        _ = try harness.directory.write(
            "logs/users-db-api.log",
            "2026-11-22T02:30:00Z INFO users-db-api: backup started\n2026-11-22T02:31:07Z ERROR users-db-api: \(hostileLine)\n")
        let configuration = try harness.configuration(
            assets: assets, extra: "logs:\n  sources:\n    - { type: file, path: \"./logs/{service}.log\" }")
        let services = try await harness.services(configuration)
        let run = try await services.verifyTriageAndDeliver(deliver: false)
        return (services, run)
    }
}
