import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

@Suite struct ShutdownTests {
    /// Cancellation (what SIGTERM does to in-flight work) kills the restore's process group,
    /// removes its scratch directory and still records the run, as aborted.
    @Test func aRunCancelledMidRestoreIsRecordedAsAborted() async throws {
        let harness = try Harness()
        try harness.fixtures.setModified(try await harness.fixtures.gzip("backups/orders.sql.gz"), to: Harness.backupTime)
        let fifo = harness.directory.file("started.fifo")
        let pidFile = harness.directory.file("child.pid")
        try await Shell.run(["mkfifo", fifo])
        let restore = """
            { command: ["sh", "-c", "sleep 300 & echo $! > \(pidFile); echo started > \(fifo); wait"], timeout: 10m }
            """
        let configuration = try harness.configuration(
            assets: "  - { name: orders-db, schedule: nightly, backup: { path: backups/*.gz }, restore: \(restore) }")
        let services = try await harness.services(configuration)
        let run = Task { try await services.runner.run(VerificationRequest(trigger: .manual)) }

        // Opening the FIFO for reading blocks until the restore command has written to it.
        let started = await FIFO.read(fifo)
        #expect(started == "started\n")
        run.cancel()
        let recorded = try await run.value
        #expect(recorded.status == .aborted)
        let stored = try #require(try await services.store.run(id: recorded.id))
        #expect(stored.status == .aborted)
        // Our own kill says nothing about the backup: no failed restore, no failure of unknown cause.
        #expect(stored.restoreTests.isEmpty)
        #expect(stored.outcome("orders-db")?.state == .healthy)
        #expect(stored.outcome("orders-db")?.check(.restore)?.status == .skipped)
        let text = String(decoding: services.metrics.exposition(), as: UTF8.self)
        #expect(!text.contains("backstop_backup_failures_total{"), "\(text)")
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ProcessProbe.isGone(pid))
        #expect(harness.scratchLeftovers.isEmpty)
    }

    /// SIGTERM to the real `backstop serve` while the scheduler verifies a window: the run is
    /// recorded as aborted, and the next start verifies that window again.
    @Test(.timeLimit(.minutes(3))) func aScheduledRunStoppedBySIGTERMIsRedoneAtTheNextStart() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests")
        let installation = try await RealRestoreInstallation(
            script: "[ -e {dir}/restored-once ] && exit 0; touch {dir}/restored-once; echo started > {fifo}; sleep 300")
        let first = try BackstopProcess(arguments: installation.serve)
        _ = await FIFO.read(installation.fifo)
        await first.terminateAndWait()
        let store = try installation.store()
        let aborted = try await store.recentRuns(limit: 10)
        #expect(aborted.map(\.status) == [.aborted], "\(first.recentLines.joined(separator: "\n"))")

        let second = try BackstopProcess(arguments: installation.serve)
        let finished = await second.waitForLine(containing: "verification finished", within: .seconds(60))
        #expect(finished != nil, "the window was not verified again")
        await second.terminateAndWait()
        let runs = try await store.recentRuns(limit: 10)
        #expect(runs.count == 2, "\(second.recentLines.joined(separator: "\n"))")
        let latestID = try #require(runs.first).id
        let latest = try #require(try await store.run(id: latestID))
        #expect(latest.trigger == .schedule("daily"))
        #expect(latest.status == .healthy)
        #expect(latest.outcome("orders-db")?.window?.start == installation.window.start)
        #expect(latest.restoreTests.first?.status == .passed)
    }
}

/// Reads a FIFO on a thread of its own, so the blocking open does not hold a Swift
/// concurrency thread.
enum FIFO {
    static func read(_ path: String) async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let handle = FileHandle(forReadingAtPath: path)
                let data = handle?.readDataToEndOfFile() ?? Data()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
    }
}
