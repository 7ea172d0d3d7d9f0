import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import HummingbirdTesting
import Testing

/// From a failed backup to a delivered incident, through the real wiring: real files and
/// restores, the SQLite ledger, and a PagerDuty that enforces the Events API v2 contract.
@Suite(.timeLimit(.minutes(5))) struct IncidentFlowTests {
    @Test func aCorruptedBackupBecomesOnePagedIncidentThatUpdatesAndResolves() async throws {
        let harness = try Harness()
        try await IncidentFixtures.writeTruncated(harness, asset: "orders")
        let logLine = try IncidentFixtures.writeLog(harness, asset: "orders")
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey])
        try await pagerDuty.run { url in
            let services = try await harness.services(
                try harness.configuration(
                    assets: IncidentFixtures.asset("orders"), extra: IncidentFixtures.pagerDutyConfiguration(url: url)))
            try await services.verifyTriageAndDeliver()

            let incident = try #require(try await services.store.incidents(limit: 10, openOnly: true).first)
            #expect(incident.cause == .corruptedArtifact)
            let report = try #require(try await services.store.latestReport(incidentID: incident.id))
            #expect(report.markdown.contains(logLine))
            #expect(report.markdown.contains("not a transient cause"))
            let alert = try #require(pagerDuty.alert(incident.dedupKey))
            #expect(alert.status == .triggered && alert.triggerCount == 1)
            #expect(alert.summary?.contains("orders") == true && alert.summary?.contains("corrupted_artifact") == true)
            let reportURL = "https://backstop.example.com/api/v1/incidents/\(incident.id)/report.md"
            #expect(alert.links.contains { $0["href"]?.string == reportURL })
            // The page carries the correlated log lines, not only a link to them.
            #expect(alert.lastPayload["custom_details"]?["log_excerpt"]?.string?.contains(logLine) == true)
            #expect(try await services.store.incident(id: incident.id)?.references[.pagerduty]?.id == incident.dedupKey)

            // The same failure again: one incident, two occurrences, no second page.
            try await services.verifyTriageAndDeliver()
            let updated = try #require(try await services.store.incident(id: incident.id))
            #expect(updated.occurrences == 2 && updated.state == .open)
            #expect(try await services.store.incidents(limit: 10, openOnly: false).count == 1)
            #expect(pagerDuty.events.count == 1)

            // Healthy again: resolved in the ledger and at PagerDuty.
            try await IncidentFixtures.writeHealthy(harness, asset: "orders")
            try await services.verifyTriageAndDeliver()
            #expect(try await services.store.incident(id: incident.id)?.state == .resolved)
            #expect(pagerDuty.alert(incident.dedupKey)?.status == .resolved)
            #expect(pagerDuty.events.map(\.action) == ["trigger", "resolve"])

            let exposition = String(decoding: services.metrics.exposition(), as: UTF8.self)
            #expect(exposition.contains(#"backstop_incidents_opened_total{cause="corrupted_artifact",sink="pagerduty"} 1"#))
            #expect(exposition.contains("backstop_incidents_open 0"))
            #expect(exposition.contains(#"backstop_sink_deliveries_total{sink="pagerduty"} 2"#))
            #expect(exposition.contains("backstop_incident_resolution_seconds_count 1"))
            #expect(exposition.contains("backstop_outbox_pending 0"))
        }
    }

    @Test func aPagerDutyOutageEndsWithEveryIncidentDeliveredOnceInOrder() async throws {
        let harness = try Harness()
        let assets = ["alpha", "bravo", "charlie", "delta"]
        for asset in assets {
            try await IncidentFixtures.writeTruncated(harness, asset: asset)
            _ = try IncidentFixtures.writeLog(harness, asset: asset)
        }
        let clock = harness.clock
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey], now: { clock.now })
        try await pagerDuty.run { url in
            let services = try await harness.services(
                try harness.configuration(
                    assets: assets.map { IncidentFixtures.asset($0) }.joined(separator: "\n"),
                    extra: IncidentFixtures.pagerDutyConfiguration(url: url)))
            pagerDuty.faults.setOutage(.status(503))
            try await services.verifyTriageAndDeliver()
            // Two assets recover during the outage: their resolves queue behind their triggers.
            for asset in assets.prefix(2) { try await IncidentFixtures.writeHealthy(harness, asset: asset) }
            try await services.verifyTriageAndDeliver(deliver: false)

            let outageEnds = clock.now.addingTimeInterval(3 * 3_600)
            var attemptsDuringOutage = 0
            while let due = try await services.store.outboxStatus(now: clock.now).nextDue, due < outageEnds {
                clock.advance(to: due)
                attemptsDuringOutage += try await services.delivery.deliverDue()
            }
            #expect(pagerDuty.events.isEmpty)
            #expect(attemptsDuringOutage >= 4 * 10)
            #expect(try await services.store.outboxStatus(now: clock.now).dead == 0)

            pagerDuty.faults.setOutage(nil)
            while let due = try await services.store.outboxStatus(now: clock.now).nextDue {
                clock.advance(to: max(due, clock.now))
                try await services.delivery.deliverDue()
            }
            let incidents = try await services.store.incidents(limit: 10, openOnly: false)
            #expect(incidents.count == assets.count)
            for incident in incidents {
                let actions = pagerDuty.events.filter { $0.dedupKey == incident.dedupKey }.map(\.action)
                #expect(actions == (assets.prefix(2).contains(incident.asset) ? ["trigger", "resolve"] : ["trigger"]), "\(incident.asset)")
            }
            let status = try await services.store.outboxStatus(now: clock.now)
            #expect(status.pending == 0 && status.dead == 0)
        }
    }

    @Test func aDryRunRecordsWhatWouldBeSentAndSendsNothing() async throws {
        let harness = try Harness()
        try await IncidentFixtures.writeTruncated(harness, asset: "orders")
        _ = try IncidentFixtures.writeLog(harness, asset: "orders")
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey])
        try await pagerDuty.run { url in
            let services = try await harness.services(
                try harness.configuration(
                    assets: IncidentFixtures.asset("orders"),
                    extra: IncidentFixtures.pagerDutyConfiguration(url: url, extra: "dry_run: true")))
            try await services.verifyTriageAndDeliver()
            let incident = try #require(try await services.store.incidents(limit: 10, openOnly: true).first)
            let events = try await services.store.events(incidentID: incident.id)
            #expect(events.contains { $0.kind == .delivered && $0.text.contains("dry run: would have sent open to PagerDuty") })
            #expect(pagerDuty.log.requests.isEmpty)
            #expect(try await services.store.outboxStatus(now: harness.clock.now).pending == 0)

            // The ledger from the command line.
            let config = harness.directory.file("backstop.yml")
            #expect(await BackstopCommand.runMain(arguments: ["incidents", "list", "--config", config, "--log-level", "critical"]) == 0)
            #expect(
                await BackstopCommand.runMain(arguments: ["incidents", "show", incident.id, "--config", config, "--format", "json"]) == 0)
            #expect(await BackstopCommand.runMain(arguments: ["incidents", "show", "inc_nope", "--config", config]) == 1)
        }
    }

    @Test func aRejectedEventBecomesADeadLetterOnTheBoardAndInMetrics() async throws {
        let harness = try Harness()
        try await IncidentFixtures.writeTruncated(harness, asset: "orders")
        _ = try IncidentFixtures.writeLog(harness, asset: "orders")
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey])
        try await pagerDuty.run { url in
            let services = try await harness.services(
                try harness.configuration(
                    assets: IncidentFixtures.asset("orders"), extra: IncidentFixtures.pagerDutyConfiguration(url: url)))
            pagerDuty.faults.failNext(1, with: .status(400))
            try await services.verifyTriageAndDeliver()
            let dead = try await services.store.deadLetters(limit: 10)
            #expect(dead.count == 1)
            #expect(dead.first?.lastError?.contains("HTTP 400") == true)
            let incident = try #require(try await services.store.incidents(limit: 10, openOnly: true).first)
            #expect(try await services.store.events(incidentID: incident.id).contains { $0.kind == .deadLetter })
            let exposition = String(decoding: services.metrics.exposition(), as: UTF8.self)
            #expect(exposition.contains("backstop_outbox_dead_letters 1"))
            #expect(exposition.contains(#"backstop_sink_delivery_failures_total{reason="rejected",sink="pagerduty"} 1"#))
            #expect(!exposition.contains(IncidentFixtures.routingKey))

            // The board and the API show it, and never the routing key.
            let app = buildApplication(services: services, runScheduler: false)
            try await app.test(.router) { client in
                try await client.execute(uri: "/", method: .get) { response in
                    let page = String(buffer: response.body)
                    #expect(page.contains("dead letters") && page.contains(incident.id) && page.contains("HTTP 400"))
                    #expect(!page.contains(IncidentFixtures.routingKey))
                }
                try await client.execute(uri: "/api/v1/incidents/\(incident.id)", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = String(buffer: response.body)
                    #expect(body.contains(#""state" : "dead""#) && body.contains(#""kind" : "dead_letter""#))
                }
                try await client.execute(uri: "/api/v1/incidents/\(incident.id)/report.md", method: .get) { response in
                    #expect(String(buffer: response.body).contains("orders"))
                }
                try await client.execute(uri: "/api/v1/incidents/inc_nope", method: .get) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }

    @Test func aTransientFailureIsRetriedReverifiedAndOpensNothing() async throws {
        let harness = try Harness()
        try await IncidentFixtures.writeTruncated(harness, asset: "orders")
        _ = try IncidentFixtures.writeLog(harness, asset: "orders")
        // The retry "re-runs the backup": it copies a good artifact and its checksum into place.
        let spare = try await harness.fixtures.archive("spare/orders-2026-11-22.tar.gz")
        try harness.fixtures.setModified(spare, to: Harness.backupTime)
        let retry = ["cp", "-p", spare, spare + ".sha256", harness.directory.file("backups")]
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey])
        try await pagerDuty.run { url in
            let recovery = "recovery: { transient: [corrupted_artifact], max_attempts: 2, backoff: 0s, budget_per_window: 5 }"
            let services = try await harness.services(
                try harness.configuration(
                    assets: IncidentFixtures.asset("orders", retry: retry),
                    extra: IncidentFixtures.pagerDutyConfiguration(url: url, extra: recovery)))
            let run = try await services.runner.run(VerificationRequest(trigger: .manual))
            #expect(run.outcome("orders")?.state == .failed)
            await services.triage.handle(run)
            try await services.delivery.deliverDue()
            #expect(try await services.store.incidents(limit: 10, openOnly: false).isEmpty)
            #expect(pagerDuty.log.requests.isEmpty)
            #expect(try await services.store.recoveryAttempts(schedule: "nightly", windowStart: run.outcome("orders")?.window?.start) == 1)
            let exposition = String(decoding: services.metrics.exposition(), as: UTF8.self)
            #expect(exposition.contains(#"backstop_recovery_attempts_total{cause="corrupted_artifact",result="recovered"} 1"#))
            // The re-verification is itself in the record.
            let recent = try await services.store.recentRuns(limit: 10)
            #expect(recent.contains { if case .retry = $0.trigger { $0.status == .healthy } else { false } })
        }
    }
}
