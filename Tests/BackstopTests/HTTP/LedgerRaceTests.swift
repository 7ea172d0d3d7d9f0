import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// The two paths into the ledger, verification and alerts, deciding at the same moment.
@Suite(.timeLimit(.minutes(3))) struct LedgerRaceTests {
    @Test(arguments: 1...8)
    func aFailureSeenByBothPathsAtOnceIsOneIncidentAndBothAreTriaged(round: Int) async throws {
        let harness = try Harness()
        try await IncidentFixtures.writeTruncated(harness, asset: "orders")
        _ = try IncidentFixtures.writeLog(harness, asset: "orders")
        let services = try await harness.services(try harness.configuration(assets: IncidentFixtures.asset("orders")))
        let run = try await services.runner.run(VerificationRequest(trigger: .manual))
        let alert = ReceivedAlert(
            status: .firing, labels: ["alertname": "BackupChecksumMismatch", "asset": "orders"],
            annotations: ["description": "checksum mismatch: the artifact is corrupt"], startsAt: Harness.backupTime,
            fingerprint: "race-\(round)")
        let notification = AlertNotification(
            id: "ntf_race_\(round)", receivedAt: Harness.noon, receiver: "backstop", status: .firing, groupKey: "g\(round)",
            dedupKey: "d\(round)", externalURL: nil, alerts: [alert])
        #expect(try await services.store.appendNotification(notification) == .appended)
        async let verification: Void = services.triage.handle(run)
        async let alerting: Void = services.alerts.handle(notification)
        _ = await (verification, alerting)

        #expect(try await services.store.openIncidents(asset: "orders").count == 1)
        #expect(try await services.store.isTriaged(runID: run.id))
        #expect(try await services.store.isTriaged(runID: notification.id))
    }
}
