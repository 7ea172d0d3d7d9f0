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
        try harness.fixtures.setModified(try harness.fixtures.gzip("backups/orders.sql.gz"), to: Harness.backupTime)
        let fifo = harness.directory.file("started.fifo")
        let pidFile = harness.directory.file("child.pid")
        try Shell.run(["mkfifo", fifo])
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
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ProcessProbe.isGone(pid))
        #expect(harness.scratchLeftovers.isEmpty)
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
