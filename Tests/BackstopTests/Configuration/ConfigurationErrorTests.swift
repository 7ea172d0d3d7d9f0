import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

@Suite struct ConfigurationErrorTests {
    static let broken = """
        listen: nonsense
        storage: { sqlite: ./x.db, mysql: foo }
        schedules:
          nightly: { cron: "0 2 * *", timezone: Mars/Olympus, window: 2 hours, grace: 15m }
          hourly: { cron: "0 * * * *", windw: 1h }
        restore_tests: { sample: lots, min: -1, strategy: fastest }
        assets:
          - name: orders-db
            kind: databse
            schedule: nightly
            backup: { path: /x/*.gz, size: { min: 1 XB, max: big }, max_age: 26 }
          - name: orders-db
            schedule: weekly
            backup: { path: /y }
          - name: bad name!
            backup: { checksum: md5, type: tape }
            restore: { command: [], timeout: soon }
        """

    /// Every problem is reported at once, each with line, key path and what to do.
    @Test func everyProblemIsReportedWithLineAndKeyPath() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(Self.broken, file: "broken.yml", baseDirectory: "/etc/backstop")
        }
        let expected: [(line: Int, path: String, message: String)] = [
            (1, "listen", "'nonsense' is not HOST:PORT"),
            (2, "storage.mysql", "unknown key"),
            (4, "schedules.nightly.cron", "has 4 fields"),
            (4, "schedules.nightly.timezone", "'Mars/Olympus' is not a known time zone"),
            (4, "schedules.nightly.window", "'2 hours' is not a duration"),
            (5, "schedules.hourly.windw", "unknown key; did you mean 'window'?"),
            (6, "restore_tests.sample", "'lots' is neither a percentage"),
            (6, "restore_tests.min", "'-1' is not a whole number ≥ 0"),
            (6, "restore_tests.strategy", "'fastest' is not one of least_recently_tested, random"),
            (9, "assets[0].kind", "'databse' is not one of database, service, volume, object_store"),
            (11, "assets[0].backup.size.min", "'1 XB' is not a size"),
            (11, "assets[0].backup.size.max", "'big' is not a size"),
            (11, "assets[0].backup.max_age", "'26' is not a duration"),
            (13, "assets[1].schedule", "'weekly' is not a schedule defined under schedules"),
            (15, "assets[2].name", "'bad name!' may only contain letters"),
            (15, "assets[2].schedule", "is required"),
            // An unknown type's other keys cannot be judged: only the type is reported.
            (16, "assets[2].backup.type", "'tape' is not a supported backup type; supported: borg, files, pgbackrest, restic, s3"),
            (17, "assets[2].restore.command", "must name a program"),
            (17, "assets[2].restore.timeout", "'soon' is not a duration"),
        ]
        for item in expected {
            let found = error.problems.contains { $0.keyPath == item.path && $0.message.contains(item.message) && $0.line == item.line }
            #expect(found, "missing: line \(item.line) \(item.path): \(item.message)\n\(error)")
        }
        // The duplicate is caught only once the second entry parses; with the rest fixed it is.
        #expect(error.description.hasPrefix("configuration broken.yml has \(error.problems.count) problems:"))
    }

    @Test func duplicateAssetNamesAreReported() throws {
        let yaml = """
            schedules: { nightly: { cron: "@daily" } }
            assets:
              - { name: a, schedule: nightly, backup: { path: /a } }
              - { name: a, schedule: nightly, backup: { path: /b } }
            """
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(yaml, file: "dup.yml", baseDirectory: "/")
        }
        #expect(error.problems.count == 1)
        #expect(error.problems[0].keyPath == "assets[1].name")
        #expect(error.problems[0].message.contains("already used by assets[0]"))
        #expect(error.problems[0].line == 4)
    }

    @Test(arguments: [
        ("", "the file is empty"),
        ("schedules: [", "not valid YAML"),
        ("- just\n- a list", "expected a mapping"),
        ("assets: []", "schedules: is required"),
        ("schedules: {}\nassets: {}", "define at least one schedule"),
    ])
    func malformedFilesSayWhatIsWrong(yaml: String, problem: String) throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(yaml, file: "x.yml", baseDirectory: "/")
        }
        #expect(error.description.contains(problem), "\(error)")
    }

    @Test func theExampleConfigurationIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../examples/backstop.yml").path
        let configuration = try ConfigurationLoader.load(path: path)
        #expect(configuration.assets.count == 10)
        #expect(configuration.listenPort == Configuration.defaultPort)
        #expect(configuration.sqlitePath.hasSuffix("examples/data/backstop.db"))
        let orders = try #require(configuration.asset(named: "orders-db"))
        #expect(orders.backup.size == SizePolicy(minBytes: 100, maxBytes: 50 << 30, maxChange: 0.5))
        #expect(orders.backup.maxAge == .seconds(26 * 3_600))
        #expect(orders.backup.checksum == .sidecar)
        #expect(orders.restore?.command == ["tar", "-xzf", "{artifact}", "-C", "{scratch}"])
        #expect(configuration.schedules["nightly"]?.timeZone.identifier == "Europe/Berlin")
        #expect(configuration.schedules["nightly"]?.grace == .seconds(900))
    }

    @Test func relativePathsAreResolvedAgainstTheConfigurationDirectory() throws {
        let yaml = """
            storage: { sqlite: data/b.db }
            schedules: { nightly: { cron: "@daily" } }
            restore_tests: { scratch: ../scratch }
            assets:
              - { name: a, schedule: nightly, backup: { path: backups/*.gz, status_file: /abs/status.json, checksum: { manifest: sums } } }
            """
        let configuration = try ConfigurationLoader.parse(yaml, file: "b.yml", baseDirectory: "/etc/backstop")
        #expect(configuration.sqlitePath == "/etc/backstop/data/b.db")
        #expect(configuration.scratchRoot == "/etc/scratch")
        #expect(configuration.assets[0].backup.path == "/etc/backstop/backups/*.gz")
        #expect(configuration.assets[0].backup.statusFile == "/abs/status.json")
        #expect(configuration.assets[0].backup.checksum == .manifest(path: "/etc/backstop/sums"))
    }
}
