import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Three real `backstop serve` replicas on one real PostgreSQL that is really stopped and started
/// again; two of them have `storage.postgres.buffer`, the third has none. During the outage
/// Alertmanager notifications (each group to two replicas, as HA peers post) and completion events
/// (two of their assets broken meanwhile) arrive at all three: the buffered replicas acknowledge
/// them and verify the events, the third answers 503 and the copy goes to the next replica. Once
/// PostgreSQL is back: every acknowledged notification and event is in PostgreSQL exactly once,
/// each event was verified, each failure and each notification group is one incident and one
/// page, the chains verify (`verify-record`) and one replica exports the metrics.
///
/// Built on events and notifications: a scheduled window that closes during an outage waits for
/// PostgreSQL, so none closes here (the daily window was verified before the outage).
@Suite(.serialized, .timeLimit(.minutes(8))) struct ReplicaPostgresOutageTests {
    static let assets = 6
    static let broken: Set<String> = ["asset-1", "asset-4"]
    static let buffered: Set<Int> = [0, 1]

    /// With `killed`, buffered replica 0 is SIGKILLed during the outage, once its buffer holds
    /// what it acknowledged, and started again after PostgreSQL: its buffer drains at its start.
    @Test(arguments: [false, true])
    func threeReplicasAcknowledgeWhilePostgresIsDownAndEverythingReachesItOnce(killed: Bool) async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let postgres = try await PostgresStoreFixture.start()
        let fixtures = try await ReplicaFixtures.make(store: postgres.store)
        try await fixtures.writeBackups(count: Self.assets, broken: [])
        let assetLines = ReplicaFixtures.assetLines(count: Self.assets, restore: ServeFixtures.tarRestore)
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey], eventsPerMinute: 100_000)
        try await pagerDuty.run { url in
            let ports = try (0..<3).map { _ in try FreePort.find() }
            var configs: [String] = []
            var replicas: [BackstopProcess] = []
            var stopped = false
            defer { if !stopped { for replica in replicas { replica.kill() } } }
            for (index, port) in ports.enumerated() {
                configs.append(
                    try fixtures.configuration(
                        port: port, assets: assetLines, pagerDuty: url, extra: "verification: { concurrency: 1 }", lease: "3s",
                        buffer: Self.buffered.contains(index) ? "./buffer-\(index)/buffer.db" : nil))
                replicas.append(
                    try BackstopProcess(arguments: ["serve", "--config", configs[index], "--log-format", "text", "--log-level", "info"]))
            }
            // The missed window, verified at start while PostgreSQL is up: all healthy, no page.
            try await Self.waitUntil("the window verified before the outage") {
                // Until a replica has migrated the schema, there is no table to read.
                (try? await postgres.superuserSQL("SELECT COUNT(DISTINCT asset) FROM outcomes")) == "\(Self.assets)\n"
            }

            try await postgres.server.stopAndWait()
            let backups = BackupFixtures(directory: fixtures.directory)
            for asset in Self.broken {
                let artifact = fixtures.directory.file("backups/\(asset)-1.tar.gz")
                let size = (try FileManager.default.attributesOfItem(atPath: artifact)[.size] as? Int) ?? 0
                try await backups.truncate(artifact, to: size / 2)
            }
            let events = [("asset-1", 0), ("asset-1", 2), ("asset-4", 1), ("asset-4", 2), ("asset-2", 2)]
            let intake = try await OutageIntake.post(groups: 6, events: events, to: ports)
            #expect(intake.events.count == events.count && intake.services.count == 6)
            #expect(
                (intake.notifications + intake.events).allSatisfy { Self.buffered.contains($0.replica) },
                "only a replica with a buffer acknowledges while PostgreSQL is down")
            let copies = intake.notifications + intake.events
            let refusedBy = Set(copies.flatMap(\.refusedBy))
            #expect(refusedBy.isSubset(of: [2]), "only the replica without a buffer answers 503: \(refusedBy)")
            #expect(refusedBy.union(copies.flatMap(\.unansweredBy)).contains(2), "the replica without a buffer acknowledged nothing")
            // Each buffered replica verifies its events meanwhile: its buffer holds its
            // notifications, its events and one run per event (and perhaps a copy it stored after
            // its sender gave up on it).
            for replica in Self.buffered {
                let accepted = intake.notifications.filter { $0.replica == replica && $0.id != nil }.count
                let events = intake.events.filter { $0.replica == replica }.count
                _ = try await Self.health(ports[replica]) { Self.depth(in: $0).map { $0 >= accepted + 2 * events } ?? false }
            }
            #expect(pagerDuty.alerts.isEmpty, "nothing is decided while PostgreSQL is down")
            if killed { replicas[0].kill() }

            try await postgres.server.restart()
            if killed {
                replicas[0] = try BackstopProcess(arguments: [
                    "serve", "--config", configs[0], "--log-format", "text", "--log-level", "info",
                ])
            }
            for replica in Self.buffered { _ = try await Self.health(ports[replica]) { $0.contains("idle, depth 0") } }
            let store = try await fixtures.open()
            defer { store.close() }
            let expected = Self.broken.union(intake.services)
            try await Self.waitUntil(
                "\(expected.count) incidents, every event verified, every notification triaged and every message delivered"
            ) {
                let pending = try await postgres.superuserSQL("SELECT COUNT(*) FROM outbox WHERE state != 'delivered'")
                let incidents = try await store.incidents(limit: 100, openOnly: false).count
                let untriaged = try await store.untriagedNotifications().notifications.count
                // An event stored late (by a replica whose sender had given up) is verified later.
                let unverified = try await postgres.superuserSQL(
                    "SELECT COUNT(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.trigger_kind = 'event' AND r.trigger_detail = e.id)"
                )
                return incidents >= expected.count && untriaged == 0 && pending == "0\n" && unverified == "0\n"
            }
            try await Self.check(intake, expected: expected, store: store, postgres: postgres, pagerDuty: pagerDuty)
            let verify = try BackstopProcess(arguments: ["verify-record", "--config", configs[0]])
            #expect(await verify.waitForExit() == 0, "\(verify.recentLines)")
            _ = try await ReplicaWorkSharingTests.waitForOneLeader(ports)

            stopped = true
            for (index, replica) in replicas.enumerated() {
                let hang = await replica.stop()
                // After an outage a statement cut by it used to leave `serve` waiting forever on
                // SIGTERM (docs/HIGH-AVAILABILITY.md, fixed by PostgresConnectionWatch).
                #expect(hang == nil, "replica \(index) (buffer: \(Self.buffered.contains(index)), killed: \(killed)): \(hang ?? "")")
            }
        }
    }

    /// Everything acknowledged is in PostgreSQL once; one incident and one page per failure.
    static func check(
        _ intake: OutageIntake, expected: Set<String>, store: PostgresStore, postgres: PostgresStoreFixture, pagerDuty: FakePagerDuty
    ) async throws {
        let rows = { (sql: String) in try await postgres.superuserSQL(sql).split(separator: "\n").map(String.init) }
        let eventIDs = intake.events.compactMap(\.id)
        #expect(eventIDs.count == intake.events.count, "every event is accepted, none a duplicate")
        let events = try await rows("SELECT id || ' ' || asset FROM events").map { $0.split(separator: " ").map(String.init) }
        let storedIDs = Dictionary(grouping: events.map { $0[0] }, by: { $0 }).mapValues(\.count)
        #expect(eventIDs.allSatisfy { storedIDs[$0] == 1 }, "each acknowledged event stored once: \(storedIDs)")
        // A stored event nobody acknowledged can only be a copy its sender got no answer for (it
        // gave up and sent it again, as a backup job would): never one answered 5xx.
        let unacknowledged = Dictionary(grouping: events.filter { !eventIDs.contains($0[0]) }, by: { $0[1] }).mapValues(\.count)
        for (asset, count) in unacknowledged {
            let unanswered = intake.events.filter { $0.subject == asset }.map(\.unansweredBy.count).reduce(0, +)
            #expect(count <= unanswered, "\(count) events for \(asset) stored but not acknowledged; \(unanswered) copies got no answer")
        }
        // Each stored event verified; a second run of one is possible (an event a late write put
        // in PostgreSQL before its buffered run drained, see HIGH-AVAILABILITY.md), a second
        // incident is not (checked below).
        let runs = try await rows("SELECT trigger_detail FROM runs WHERE trigger_kind = 'event'")
        #expect(Set(runs) == Set(storedIDs.keys), "each event verified: \(runs)")

        // A group posted to both buffered replicas was accepted by each buffer; the drain stores
        // the first and finds the second a duplicate: one row per group. The row may be a copy
        // whose own answer was lost (a write that committed after its replica's 5 s deadline,
        // while another copy of the group was acknowledged into a buffer): the group is what
        // Alertmanager's dedup key names, and what must be stored once (HIGH-AVAILABILITY.md).
        let stored = try await rows("SELECT group_key FROM alert_notifications")
        #expect(stored.count == intake.services.count, "\(stored.count) notifications stored for \(intake.services.count) groups")
        #expect(
            Set(stored.map { key in intake.services.first { key.contains("\"\($0)\"") } ?? key }) == intake.services,
            "each acknowledged group stored: \(stored)")

        let incidents = try await store.incidents(limit: 100, openOnly: false)
        let byAsset = Dictionary(grouping: incidents, by: \.asset)
        #expect(Set(byAsset.keys) == expected, "incidents for \(byAsset.keys.sorted()), expected \(expected.sorted())")
        #expect(byAsset.values.allSatisfy { $0.count == 1 }, "one incident each: \(byAsset.mapValues(\.count))")
        #expect(
            Set(pagerDuty.alerts.keys) == Set(incidents.map(\.dedupKey)), "\(pagerDuty.alerts.count) pages for \(incidents.count) incidents"
        )
        let pages = try await rows("SELECT incident_id FROM outbox WHERE target = 'pagerduty' AND action IN ('open', 'page')")
        #expect(pages.count == incidents.count && Set(pages).count == incidents.count, "one page message per incident: \(pages)")
        #expect(try await store.verifyChains().breaks.isEmpty)
    }

    /// Polls the replica's `/debug/healthz` until its body satisfies `done` (bounded); the body.
    static func health(_ port: Int, _ done: (String) -> Bool) async throws -> String {
        var body = ""
        try await waitUntil("/debug/healthz of 127.0.0.1:\(port) as expected (last: \(body.prefix(600)))") {
            body = try await FakeHTTPRequests.send(.GET, "http://127.0.0.1:\(port)/debug/healthz").text
            return done(body)
        }
        return body
    }

    /// The buffer's depth in a `/debug/healthz` body ("buffering, depth N, drained M").
    static func depth(in body: String) -> Int? {
        guard let range = body.range(of: "buffering, depth ") else { return nil }
        return Int(body[range.upperBound...].prefix { $0.isNumber })
    }

    static func waitUntil(_ what: @autoclosure () -> String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(150)
        while try await !condition() {
            try #require(ContinuousClock.now < deadline, "\(what()) within 150 s")
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
