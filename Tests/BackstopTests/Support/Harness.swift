import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging

/// A temporary Backstop installation: a directory with backups, a configuration written from
/// YAML, and services built through the real wiring with a manual clock.
final class Harness: Sendable {
    let directory: TemporaryDirectory
    let fixtures: BackupFixtures
    let clock: ManualClock
    /// Every run recorded by services this harness built, in order.
    let runs = EventRecorder<VerificationRun>()

    /// 2026-11-22 12:00 UTC: the nightly window of 02:00–04:00 (+15 min grace) has closed.
    static let noon = Date(timeIntervalSince1970: 1_795_348_800)
    /// When the nightly backups of that window were written.
    static let backupTime = Date(timeIntervalSince1970: 1_795_314_600)  // 2026-11-22T02:30:00Z

    init(now: Date = Harness.noon) throws {
        directory = try TemporaryDirectory()
        fixtures = BackupFixtures(directory: directory)
        clock = ManualClock(now: now)
    }

    /// The standard preamble: SQLite store, one nightly UTC schedule, scratch, all restores.
    /// `extra` is more top-level YAML (logs, incidents…).
    func configuration(
        assets: String, restoreTests: String = "{ sample: 100%, min: 1, scratch: ./scratch }", extra: String = ""
    ) throws -> Configuration {
        let yaml = """
            listen: 127.0.0.1:0
            storage: { sqlite: ./data/backstop.db }
            schedules:
              nightly: { cron: "0 2 * * *", timezone: UTC, window: 2h, grace: 15m }
            restore_tests: \(restoreTests)
            assets:
            \(assets)
            \(extra)
            """
        let path = try directory.write("backstop.yml", yaml)
        return try ConfigurationLoader.load(path: path)
    }

    /// The services of `configuration`; `logger` defaults to one that is quiet unless
    /// `BACKSTOP_TEST_LOG` is set.
    func services(_ configuration: Configuration, logger: Logger? = nil) async throws -> BackstopServices {
        let logger = logger ?? Self.quietLogger
        let runs = runs
        return try await BackstopServices.make(configuration: configuration, logger: logger, clock: clock, observer: { runs.record($0) })
    }

    private static var quietLogger: Logger {
        var logger = Logger(label: "backstop-test")
        logger.logLevel = ProcessInfo.processInfo.environment["BACKSTOP_TEST_LOG"] == nil ? .critical : .trace
        return logger
    }

    /// Verifies every asset once, as `backstop verify` does.
    func verify(_ configuration: Configuration) async throws -> VerificationRun {
        let services = try await services(configuration)
        return try await services.runner.run(VerificationRequest(trigger: .manual))
    }

    /// Leftover entries in the scratch root (must be none after any run).
    var scratchLeftovers: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.file("scratch"))) ?? []
    }
}

extension VerificationRun {
    func outcome(_ asset: String) -> VerificationOutcome? { outcomes.first { $0.asset == asset } }
}
