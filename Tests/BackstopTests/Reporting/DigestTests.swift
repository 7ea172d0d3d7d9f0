import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite(.timeLimit(.minutes(3))) struct DigestTests {
    @Test(arguments: [
        ("2026-11-23T06:00:00Z", "2026-W47"),  // Monday 06:00: the week that ended on Sunday
        ("2026-11-30T00:00:00Z", "2026-W48"),
        ("2027-01-04T06:00:00Z", "2026-W53"),  // ISO years: 28 Dec to 3 Jan is the 53rd week of 2026
        ("2027-01-11T06:00:00Z", "2027-W01"),
    ])
    func digestsAreNamedByTheISOWeekTheyCover(end: String, week: String) throws {
        #expect(DigestWriter.week(endingAt: try #require(RFC3339.parse(end)), window: .seconds(7 * 86_400)) == week)
    }

    /// A harness whose store saw one corrupted backup (an incident) and one healthy one.
    func services(_ harness: Harness) async throws -> BackstopServices {
        try await IncidentFixtures.writeTruncated(harness, asset: "orders")
        _ = try IncidentFixtures.writeLog(harness, asset: "orders")
        let services = try await harness.services(
            try harness.configuration(
                assets: IncidentFixtures.asset("orders"), extra: "digest: { directory: ./weekly, schedule: \"0 6 * * 1\" }"))
        try await services.verifyTriageAndDeliver()
        return services
    }

    @Test func theServiceWritesTheMissedDigestAtStartThenEachWeekAndTheRouteServesTheLatest() async throws {
        let harness = try Harness()
        let services = try await services(harness)
        let digest = try #require(services.configuration.digest)
        #expect(digest.directory == harness.directory.file("weekly"))
        let app = buildApplication(services: services, runScheduler: false, runBackgroundServices: false)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/digests/latest", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("no digest written yet; the next is due at 2026-11-23T06:00:00Z"))
            }
        }

        // Harness time is Sunday 2026-11-22 12:00: the last due digest was Monday the 16th.
        let writer = DigestWriter(store: services.store, assets: services.configuration.assets, directory: digest.directory)
        let service = DigestService(writer: writer, configuration: digest, clock: harness.clock, logger: services.logger)
        let running = Task { try await service.run() }
        await harness.clock.sleepers(atLeast: 1)
        #expect(FileManager.default.fileExists(atPath: harness.directory.file("weekly/2026-W46.json")))
        harness.clock.advance(to: try #require(RFC3339.parse("2026-11-23T06:00:00Z")))
        await harness.clock.sleepers(atLeast: 1)
        running.cancel()
        let files = try FileManager.default.contentsOfDirectory(atPath: digest.directory).sorted()
        #expect(files == ["2026-W46.json", "2026-W46.md", "2026-W47.json", "2026-W47.md"])

        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/digests/latest", method: .get) { response in
                #expect(response.status == .ok)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect(json["week"] as? String == "2026-W47")
                let trends = try #require(json["trends"] as? [String: Any])
                #expect(trends["failures"] as? Int == 1 && trends["incidents_opened"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/digests/latest?format=md", method: .get) { response in
                #expect(response.headers[.contentType] == "text/markdown; charset=utf-8")
                let text = String(buffer: response.body)
                #expect(text.hasPrefix("# Backstop weekly digest 2026-W47 — 2026-11-16 to 2026-11-23"))
                #expect(text.contains("| orders | nightly | 1 | 1 | 100 % | 1 |"))
            }
        }
    }

    @Test func trendsCommandRunsAndRefusesABadWindow() async throws {
        let harness = try Harness()
        _ = try await services(harness)
        let config = harness.directory.file("backstop.yml")
        #expect(await BackstopCommand.runMain(arguments: ["trends", "--config", config, "--window", "3650d", "--format", "json"]) == 0)
        #expect(await BackstopCommand.runMain(arguments: ["trends", "--config", config]) == 0)
        #expect(await BackstopCommand.runMain(arguments: ["trends", "--config", config, "--window", "a while"]) == 2)
    }

    @Test func theDigestCanBeTurnedOffAndItsMistakesAreNamed() throws {
        let directory = try TemporaryDirectory()
        let base = """
            storage: { sqlite: ./backstop.db }
            schedules: { nightly: { cron: "0 2 * * *" } }
            assets: [{ name: db, schedule: nightly, backup: { path: /b/*.gz } }]
            """
        #expect(
            try ConfigurationLoader.parse(base, file: "b.yml", baseDirectory: directory.path).digest?.directory == directory.file("reports")
        )
        #expect(
            try ConfigurationLoader.parse(base + "\ndigest: { enabled: false }", file: "b.yml", baseDirectory: directory.path).digest == nil
        )
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(
                base + "\ndigest: { schedule: \"every monday\", timezone: Mars/Olympus, window: soon }", file: "b.yml",
                baseDirectory: directory.path)
        }
        #expect(error.description.contains("digest.schedule"), "\(error)")
        #expect(error.description.contains("digest.timezone: 'Mars/Olympus' is not a known time zone"), "\(error)")
        #expect(error.description.contains("digest.window"), "\(error)")
    }
}
