import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Testing

/// `backstop backup-store`: Backstop's own store backed up online and verified as an asset.
@Suite(.timeLimit(.minutes(3))) struct BackupStoreTests {
    /// A store with some record in it, and the store itself as an asset (as in examples/backstop.yml).
    func installation() async throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let fixtures = BackupFixtures(directory: directory)
        try fixtures.setModified(try await fixtures.archive("backups/orders-1.tar.gz"), to: Date())
        let path = try directory.write(
            "backstop.yml",
            """
            storage: { sqlite: ./data/backstop.db }
            schedules: { hourly: { cron: "@hourly", window: 1m } }
            restore_tests: { sample: 100%, scratch: ./scratch }
            diagnosis: { probes: false }
            assets:
              - { name: orders-db, schedule: hourly, backup: { path: backups/orders-*.tar.gz } }
              - name: backstop-store
                schedule: hourly
                backup: { path: backups/store/backstop-*.db, checksum: sidecar }
                restore:
                  command: ["cp", "{artifact}", "{scratch}/backstop.db"]
                  validate: ["{backstop}", "verify-record", "--store", "{scratch}/backstop.db"]
            """)
        return (directory, path)
    }

    @Test func theCopyIsConsistentHasASidecarAndVerifiesAsARestoredAsset() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let (directory, config) = try await installation()
        // Something in the record first: a verification of both assets (the store's is missing).
        #expect(await BackstopCommand.runMain(arguments: ["verify", "--config", config, "--log-level", "critical"]) == 1)
        #expect(await BackstopCommand.runMain(arguments: ["backup-store", "--config", config, directory.file("backups/store/")]) == 0)
        let copies = try FileManager.default.contentsOfDirectory(atPath: directory.file("backups/store")).sorted()
        #expect(copies.count == 2 && copies[0].hasPrefix("backstop-") && copies[0].hasSuffix("Z.db") && copies[1] == copies[0] + ".sha256")
        let copy = directory.file("backups/store/\(copies[0])")
        let sidecar = try String(contentsOfFile: copy + ".sha256", encoding: .utf8)
        #expect(sidecar == "\(try StreamingHasher.sha256(path: copy))  \(copies[0])\n")
        let original = try SQLiteRunStore(path: directory.file("data/backstop.db"))
        let restored = try SQLiteRunStore(path: copy)
        #expect(try await restored.recentRuns(limit: 10) == original.recentRuns(limit: 10))

        // The real binary verifies the store asset: checksum, then a restore whose validation
        // is `backstop verify-record` on the restored copy.
        let output = try await Shell.run([
            BackstopProcess.executable, "verify", "--config", config, "--format", "json", "--log-level", "critical",
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let outcomes = try #require(json["outcomes"] as? [[String: Any]])
        let store = try #require(outcomes.first { $0["asset"] as? String == "backstop-store" })
        let checks = try #require(store["checks"] as? [[String: Any]])
        #expect(checks.allSatisfy { $0["status"] as? String != "failed" }, "\(checks)")
        let restore = try #require(checks.first { $0["kind"] as? String == "restore" })
        #expect(restore["status"] as? String == "passed", "\(restore)")
        let tests = try #require(json["restore_tests"] as? [[String: Any]])
        #expect(tests.contains { $0["asset"] as? String == "backstop-store" && $0["status"] as? String == "passed" }, "\(tests)")
    }

    @Test func aTamperedCopyFailsVerifyRecord() async throws {
        let (directory, config) = try await installation()
        #expect(await BackstopCommand.runMain(arguments: ["verify", "--config", config, "--log-level", "critical"]) == 1)
        let copy = directory.file("copy.db")
        #expect(await BackstopCommand.runMain(arguments: ["backup-store", "--config", config, copy]) == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: copy))
        #expect(await BackstopCommand.runMain(arguments: ["verify-record", "--store", copy]) == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before, "checking a copy leaves it byte for byte as it was")
        let queue = try DatabaseQueue(path: copy)
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER outcomes_append_only_update")
            try db.execute(sql: "UPDATE outcomes SET state = 'healthy'")
        }
        try queue.close()
        #expect(await BackstopCommand.runMain(arguments: ["verify-record", "--store", copy]) == 1)
        #expect(await BackstopCommand.runMain(arguments: ["verify-record", "--store", directory.file("nowhere.db")]) == 2)
        let empty = try directory.write(
            "empty.yml",
            "storage: { sqlite: ./none/backstop.db }\nschedules: { h: { cron: \"@hourly\" } }\nassets: [{ name: db, schedule: h, backup: { path: /b/*.gz } }]\n"
        )
        #expect(await BackstopCommand.runMain(arguments: ["backup-store", "--config", empty, directory.file("x.db")]) == 2)
        #expect(!FileManager.default.fileExists(atPath: directory.file("none/backstop.db")), "no empty store was created")
    }
}
