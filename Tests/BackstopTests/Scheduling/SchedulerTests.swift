import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

@Suite struct SchedulerTests {
    @Test func aWindowIsVerifiedWhenItClosesAndAMissedOneAtStart() async throws {
        // 01:00 UTC: yesterday's window closed unverified; today's opens at 02:00, closes 04:15.
        let harness = try Harness(now: Harness.noon.addingTimeInterval(-11 * 3_600))
        try harness.fixtures.setModified(try await harness.fixtures.gzip("backups/orders.sql.gz"), to: Harness.backupTime)
        let configuration = try harness.configuration(
            assets: "  - { name: orders-db, schedule: nightly, backup: { path: backups/*.gz, checksum: sidecar } }")
        let services = try await harness.services(configuration)
        let scheduler = Task { try await SchedulerService(services: services).run() }
        defer { scheduler.cancel() }

        let catchUp = try #require(await harness.runs.next())
        #expect(catchUp.trigger == .schedule("nightly"))
        #expect(catchUp.outcome("orders-db")?.window?.start == RFC3339.parse("2026-11-21T02:00:00Z"))
        // The artifact (02:30 today) is from after that window: it arrived, if late.
        #expect(catchUp.outcome("orders-db")?.state == .healthy)

        await harness.clock.sleepers(atLeast: 1)
        #expect(harness.clock.nextDeadline == RFC3339.parse("2026-11-22T04:15:00Z"))
        harness.clock.advance(to: try #require(RFC3339.parse("2026-11-22T04:15:00Z")))
        let scheduled = try #require(await harness.runs.next())
        #expect(scheduled.trigger == .schedule("nightly"))
        #expect(scheduled.outcome("orders-db")?.window?.start == RFC3339.parse("2026-11-22T02:00:00Z"))
        #expect(scheduled.outcome("orders-db")?.state == .healthy)
        #expect(scheduled.outcome("orders-db")?.late == false)

        await harness.clock.sleepers(atLeast: 1)
        #expect(harness.clock.nextDeadline == RFC3339.parse("2026-11-23T04:15:00Z"))
        let text = String(decoding: services.metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"backstop_window_runs_total{result="healthy",schedule="nightly"} 2"#))
        #expect(text.contains(#"backstop_window_expected_backups{schedule="nightly"} 1"#))
    }

    @Test func aWindowAlreadyVerifiedIsNotVerifiedAgainAtStart() async throws {
        let harness = try Harness()
        let configuration = try harness.configuration(assets: "  - { name: a, schedule: nightly, backup: { path: none/*.gz } }")
        let services = try await harness.services(configuration)
        let window = configuration.schedules["nightly"]?.lastClosedWindow(at: harness.clock.now)
        _ = try await services.runner.run(VerificationRequest(trigger: .schedule("nightly"), window: window))
        _ = await harness.runs.next()

        let restarted = try await harness.services(configuration)
        let scheduler = Task { try await SchedulerService(services: restarted).run() }
        defer { scheduler.cancel() }
        await harness.clock.sleepers(atLeast: 1)
        #expect(try await restarted.store.recentRuns(limit: 10).count == 1)
    }

    /// A scheduled run stopped by shutdown (recorded as aborted) did not verify its window: the
    /// next start verifies that window again.
    @Test func aWindowWhoseRunWasAbortedIsVerifiedAgainAtStart() async throws {
        let harness = try Harness()
        try harness.fixtures.setModified(try await harness.fixtures.gzip("backups/orders.sql.gz"), to: Harness.backupTime)
        let fifo = harness.directory.file("started.fifo")
        let mark = harness.directory.file("restored-once")
        try await Shell.run(["mkfifo", fifo])
        // The first restore blocks until cancelled; the second one passes at once.
        let restore = """
            { command: ["sh", "-c", "[ -e \(mark) ] && exit 0; touch \(mark); echo started > \(fifo); sleep 300"], timeout: 10m }
            """
        let configuration = try harness.configuration(
            assets: "  - { name: orders-db, schedule: nightly, backup: { path: backups/*.gz }, restore: \(restore) }")
        let window = configuration.schedules["nightly"]?.lastClosedWindow(at: harness.clock.now)
        let services = try await harness.services(configuration)
        let aborted = Task { try await services.runner.run(VerificationRequest(trigger: .schedule("nightly"), window: window)) }
        _ = await FIFO.read(fifo)
        aborted.cancel()
        #expect(try await aborted.value.status == .aborted)
        _ = await harness.runs.next()

        let restarted = try await harness.services(configuration)
        let scheduler = Task { try await SchedulerService(services: restarted).run() }
        defer { scheduler.cancel() }
        let redone = try #require(await harness.runs.next())
        #expect(redone.trigger == .schedule("nightly"))
        #expect(redone.status == .healthy)
        #expect(redone.outcome("orders-db")?.window?.start == window?.start)
        #expect(redone.restoreTests.first?.status == .passed)
    }
}
