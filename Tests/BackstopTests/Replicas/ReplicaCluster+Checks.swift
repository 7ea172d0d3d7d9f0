import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

extension ReplicaCluster {
    /// The invariants after a trial, once the surviving replicas have finished the window, its
    /// triage and its deliveries (bounded waits): every asset verified exactly once; one incident
    /// for each broken asset and each notification group, and nothing else; one page per
    /// incident; every acknowledged notification stored, each group once; chains intact.
    func check(broken: Set<Int>, notifications: NotificationBurst.Acknowledged, context: String) async throws {
        try await waitUntil("\(context): every asset of the window verified") { try await outcomesPerAsset().count >= assets }
        let counts = try await outcomesPerAsset()
        #expect(
            counts.count == assets && counts.values.allSatisfy { $0 == 1 },
            "\(context): assets not verified exactly once: \(counts.filter { $0.value != 1 })")

        let expected = Set(broken.map { "asset-\($0)" }).union(notifications.services)
        let store = try await fixtures.open()
        defer { store.close() }
        try await waitUntil("\(context): \(expected.count) incidents") {
            try await store.incidents(limit: 10_000, openOnly: false).count >= expected.count
        }
        try await waitUntil("\(context): every notification triaged and every message delivered") {
            let pending = try await sql("SELECT COUNT(*) FROM outbox WHERE state != 'delivered'")
            return try await store.untriagedNotifications().notifications.isEmpty
                && pending.trimmingCharacters(in: .whitespacesAndNewlines) == "0"
        }
        let incidents = try await store.incidents(limit: 10_000, openOnly: false)
        let byAsset = Dictionary(grouping: incidents, by: \.asset)
        #expect(Set(byAsset.keys) == expected, "\(context): incidents for \(byAsset.keys.sorted()), expected \(expected.sorted())")
        #expect(
            byAsset.values.allSatisfy { $0.count == 1 },
            "\(context): more than one incident for \(byAsset.filter { $0.value.count > 1 }.keys.sorted())")

        // One page per incident: one PagerDuty alert per dedup key, from one message to PagerDuty in the
        // outbox. A message sent by a replica killed before it recorded the delivery is sent again
        // by another (in doubt), which PagerDuty deduplicates by the key: not a second page.
        let alerts = pagerDuty.alerts
        #expect(Set(alerts.keys) == Set(incidents.map(\.dedupKey)), "\(context): \(alerts.count) pages for \(incidents.count) incidents")
        let messages = try await sql("SELECT incident_id FROM outbox WHERE target = 'pagerduty' AND action IN ('open', 'page')").split(
            separator: "\n")
        let pagesPerIncident = Dictionary(grouping: messages, by: { $0 })
        #expect(
            pagesPerIncident.count == incidents.count && pagesPerIncident.values.allSatisfy { $0.count == 1 },
            "\(context): page messages per incident: \(pagesPerIncident.mapValues(\.count).filter { $0.value != 1 })")

        let stored = try await sql("SELECT id || ' ' || group_key FROM alert_notifications").split(separator: "\n").map {
            $0.split(separator: " ", maxSplits: 1).map(String.init)
        }
        let storedIDs = Dictionary(grouping: stored.compactMap(\.first), by: { $0 })
        #expect(
            notifications.ids.allSatisfy { storedIDs[$0]?.count == 1 },
            "\(context): acknowledged notifications not stored exactly once: \(notifications.ids.filter { storedIDs[$0]?.count != 1 })")
        // Each group was posted to two replicas: one stored, the other answered duplicate.
        #expect(
            stored.count == notifications.services.count,
            "\(context): \(stored.count) notifications stored for \(notifications.services.count) groups")
        #expect(try await store.verifyChains().breaks.isEmpty, "\(context)")
    }
}

extension ReplicaCluster {
    /// The exporter's window families after one window verified in parts by several replicas:
    /// one window counted (under `failed` when an asset of it failed), `assets` expected.
    static func expectOneWindow(in scrapes: [String], assets: Int, failed: Bool, context: String) {
        guard let leader = scrapes.first(where: { $0.contains("\nbackstop_exporter_leader 1\n") }) else {
            Issue.record("\(context): no replica exports the record's metrics")
            return
        }
        let windowLines = leader.split(separator: "\n").filter { $0.hasPrefix("backstop_window_") }
        for (result, count) in [("failed", failed ? 1 : 0), ("healthy", failed ? 0 : 1)] {
            #expect(
                windowLines.contains(#"backstop_window_runs_total{result="\#(result)",schedule="daily"} \#(count)"#),
                "\(context): \(windowLines)")
        }
        #expect(windowLines.contains(#"backstop_window_expected_backups{schedule="daily"} \#(assets)"#), "\(context): \(windowLines)")
        #expect(windowLines.contains(#"backstop_window_missing_backups{schedule="daily"} 0"#), "\(context): \(windowLines)")
    }
}
