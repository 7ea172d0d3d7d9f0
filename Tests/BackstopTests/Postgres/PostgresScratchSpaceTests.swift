import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// A restore into a throwaway cluster that runs out of scratch space is `disk_full`, with
/// PostgreSQL's own words as evidence. The scratch root is a real 16 MiB tmpfs (mounting needs
/// root, as PostgreSQL's tests here run as root and drop to `postgres`).
@Suite struct PostgresScratchSpaceTests {
    static var canMount: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/mount") }

    @Test(.enabled(if: canMount)) func aRestoreThatFillsScratchIsDiskFull() async throws {
        let harness = try Harness(now: Date())
        let scratch = harness.directory.file("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try await Shell.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "tmpfs", scratch])
        // Unmounted on every path, awaited (a `defer` cannot await).
        do {
            try await Self.restoreIntoFullScratch(harness)
        } catch {
            _ = try? await Shell.run(["umount", "-l", scratch])
            throw error
        }
        try await Shell.run(["umount", "-l", scratch])
    }

    static func restoreIntoFullScratch(_ harness: Harness) async throws {
        let dump = try harness.directory.write("ledger.sql", "CREATE TABLE entries (id int);\n")
        let configuration = try harness.configuration(
            assets: """
                  - name: ledger-db
                    kind: database
                    schedule: nightly
                    backup: { type: files, path: "\(dump)" }
                    restore:
                      postgres: { format: plain, database: ledger, validate_sql: ["SELECT true"] }
                      timeout: 2m
                """)
        let services = try await harness.services(configuration)
        let run = try await services.verifyTriageAndDeliver(deliver: false)
        let outcome = try #require(run.outcome("ledger-db"))
        let restore = try #require(outcome.check(.restore))
        #expect(restore.status == .failed)
        #expect(restore.evidence.excerpt?.contains("No space left on device") == true, "\(restore.evidence)")
        let incidents = try await services.store.incidents(limit: 10, openOnly: true)
        #expect(incidents.map(\.cause) == [.diskFull])
        #expect(harness.scratchLeftovers.isEmpty)
    }
}
