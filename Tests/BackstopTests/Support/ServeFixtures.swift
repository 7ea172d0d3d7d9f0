import Foundation

/// Configuration pieces shared by the tests that run the real `backstop serve`.
enum ServeFixtures {
    /// The repository's root, where the shipped configs, rules and dashboards are.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Listen address, store, a daily UTC schedule (its window has closed by 01:01), every
    /// restore tested, no target probes.
    static func preamble(port: Int) -> String {
        """
        listen: 127.0.0.1:\(port)
        storage: { sqlite: ./data/backstop.db }
        schedules: { daily: { cron: "0 0 * * *", timezone: UTC, window: 1h, grace: 1m } }
        restore_tests: { sample: 100%, scratch: ./scratch }
        diagnosis: { probes: false }
        """
    }

    /// A real restore of the fixtures' tar.gz dumps (`BackupFixtures.archive`), validated.
    static let tarRestore =
        #"restore: { command: ["tar", "-xzf", "{artifact}", "-C", "{scratch}"], validate: ["test", "-s", "{scratch}/dump.sql"], timeout: 1m }"#
}
