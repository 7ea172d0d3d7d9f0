import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

@Suite struct ReportTests {
    static let lockFailure =
        #"{"asset": "orders-db", "tool": "pg_dump", "status": "failure", "exit_code": 1, "finished_at": "2026-11-22T02:20:00Z", "output": "pg_dump: error: query failed: ERROR:  canceling statement due to lock timeout\npg_dump: detail: Query was: LOCK TABLE public.orders IN ACCESS SHARE MODE"}"#

    static let postgresLog = """
        2026-11-22 02:10:00.001 UTC [311] LOG:  checkpoint starting: time
        2026-11-22 02:19:58.120 UTC [4242] LOG:  process 4242 still waiting for AccessShareLock on relation 16385 of database 5 after 1000.112 ms
        2026-11-22 02:19:58.120 UTC [4242] DETAIL:  Process holding the lock: 4100. Wait queue: 4242.
        2026-11-22 02:19:58.120 UTC [4242] STATEMENT:  LOCK TABLE public.orders IN ACCESS SHARE MODE
        2026-11-22 02:20:00.002 UTC [4242] ERROR:  canceling statement due to lock timeout
        2026-11-22 02:20:00.002 UTC [4242] STATEMENT:  LOCK TABLE public.orders IN ACCESS SHARE MODE
        2026-11-22 09:00:00.000 UTC [311] LOG:  checkpoint starting: time

        """

    func failingHarness(logs: String) async throws -> (Harness, Configuration) {
        let harness = try Harness()
        try harness.fixtures.setModified(try await harness.fixtures.gzip("backups/orders.sql.gz", rows: 10), to: Harness.backupTime)
        try harness.directory.write("backups/status.json", Self.lockFailure)
        try harness.directory.write("logs/orders-api/postgresql.log", Self.postgresLog)
        try harness.directory.write(
            "logs/orders-worker/worker.log",
            #"{"time":"2026-11-22T02:19:30Z","level":"info","msg":"batch export started"}"# + "\n"
                + #"{"time":"2026-11-22T02:19:31Z","level":"info","msg":"holding lock on orders for export"}"# + "\n")
        let yaml = """
              - name: orders-db
                kind: database
                service: orders-api
                adjacent: [orders-worker]
                schedule: nightly
                backup: { path: backups/*.gz, checksum: sidecar, status_file: backups/status.json }
            logs:
              padding: 30m
              sources:
            \(logs)
            runbooks: { lock_wait: "https://wiki.example.com/runbooks/backup-lock-wait" }
            """
        return (harness, try harness.configuration(assets: yaml))
    }

    @Test func theReportCarriesCauseEvidenceAndTheCorrelatedLogLines() async throws {
        let (harness, configuration) = try await failingHarness(logs: #"    - { type: file, path: "logs/{service}/*.log" }"#)
        let services = try await harness.services(configuration)
        let run = try await services.runner.run(VerificationRequest(trigger: .manual))
        let report = await services.reporter.report(for: run)
        let failure = try #require(report.failures.first)
        #expect(failure.cause == .lockWait)
        #expect(failure.runbook == "https://wiki.example.com/runbooks/backup-lock-wait")
        #expect(failure.evidence.first == "pg_dump: error: query failed: ERROR:  canceling statement due to lock timeout")
        let logs = try #require(failure.logs)
        let own = try #require(logs.services.first { $0.service == "orders-api" })
        #expect(own.role == "source")
        #expect(own.lines.contains { $0.text.contains("still waiting for AccessShareLock on relation 16385") })
        #expect(!own.lines.contains { $0.first == RFC3339.parse("2026-11-22T09:00:00Z") }, "outside the window")
        let worker = try #require(logs.services.first { $0.service == "orders-worker" })
        #expect(worker.lines.contains { $0.text == "holding lock on orders for export" })
        #expect(logs.signals.contains { $0.kind == .lockWait && $0.service == "orders-api" })
        #expect(report.logSourceProblems.isEmpty)
        #expect(report.timeline.contains { $0.kind == "log_lock_wait" })

        let markdown = MarkdownReport.render(report)
        #expect(markdown.contains("## orders-db: lock_wait"))
        #expect(markdown.contains("still waiting for AccessShareLock"))
        #expect(markdown.contains("https://wiki.example.com/runbooks/backup-lock-wait"))
    }

    @Test func aReportIsStillMadeWhenEveryLogSourceIsDown() async throws {
        let (harness, configuration) = try await failingHarness(
            logs: """
                    - { type: journald, directory: /nonexistent/journal }
                    - { type: file, path: /proc/1/mem }
                """)
        let services = try await harness.services(configuration)
        let run = try await services.runner.run(VerificationRequest(trigger: .manual))
        let report = await services.reporter.report(for: run)
        #expect(report.failures.first?.cause == .lockWait)
        #expect(report.logSourceProblems.count >= 2, "\(report.logSourceProblems)")
        #expect(report.logSourceProblems.contains { $0.hasPrefix("journald /nonexistent/journal") })
        #expect(report.logSourceProblems.contains { $0.contains("/proc/1/mem") })
        let markdown = MarkdownReport.render(report)
        #expect(markdown.contains("## Log sources that could not be read"))
    }

    @Test func theLokiSourceFeedsTheReport() async throws {
        let loki = FakeLoki()
        let parser = LogLineParser(timeZone: TimeZone(identifier: "UTC") ?? .current, year: 2026)
        for line in Self.postgresLog.split(separator: "\n") {
            guard let timestamp = parser.parse(String(line)).timestamp else { continue }
            let nanoseconds = Int64(timestamp.timeIntervalSince1970 * 1_000_000_000)
            loki.push(
                .init(labels: ["service": "orders-api", "job": "postgres"], nanoseconds: nanoseconds, line: String(line)), tenant: "ops")
        }
        let report = try await loki.run { url in
            let (harness, configuration) = try await failingHarness(logs: "    - { type: loki, url: \(url), tenant: ops }")
            let services = try await harness.services(configuration)
            let run = try await services.runner.run(VerificationRequest(trigger: .manual))
            return await services.reporter.report(for: run)
        }
        #expect(report.logSourceProblems.isEmpty, "\(report.logSourceProblems)")
        let logs = try #require(report.failures.first?.logs)
        let own = try #require(logs.services.first { $0.service == "orders-api" })
        #expect(own.lines.contains { $0.text.contains("still waiting for AccessShareLock on relation 16385") })
        #expect(logs.signals.contains { $0.kind == .lockWait && $0.service == "orders-api" })
        #expect(loki.requests.contains { $0.query == #"{service="orders-worker"}"# }, "adjacent services are queried too")
        #expect(loki.requests.allSatisfy { $0.tenant == "ops" })
    }

    @Test func aHangingLogSourceIsCutOffAndNamed() async throws {
        struct Hanging: LogSource {
            var name: String { "loki http://127.0.0.1:9" }
            func lines(of service: String, from start: Date, to end: Date, limit: Int) async throws(LogSourceError) -> [LogLine] {
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }  // never answers
                return []
            }
        }
        let correlation = LogCorrelation(sources: [Hanging()], timeout: .milliseconds(200))
        let asset = Asset(
            name: "orders-db", kind: .database, service: "orders-api", scheduleName: "nightly", backup: BackupSpec(path: "/x"))
        let outcome = VerificationOutcome(
            asset: "orders-db", schedule: "nightly", window: nil, artifact: nil, checks: [], producedAt: nil, late: false, bytesHashed: 0,
            verifiedAt: Harness.noon)
        let logs = await correlation.correlate(outcome, asset: asset)
        #expect(logs.sourceProblems == ["loki http://127.0.0.1:9: no answer within 0.2 seconds for orders-api"])
    }

    @Test func theJournaldSourceReadsRealJournalFiles() async throws {
        let directory = try TemporaryDirectory()
        // Export format, as systemd-journal-remote receives it; one MESSAGE is binary (not UTF-8).
        var export = Data()
        func field(_ text: String) { export.append(Data((text + "\n").utf8)) }
        for (index, (unit, priority, message)) in [
            ("orders-api.service", 3, "could not serialize access due to concurrent update"),
            ("orders-api.service", 6, "Started orders-api.service."),
            ("other.service", 3, "unrelated"),
        ].enumerated() {
            field("__REALTIME_TIMESTAMP=\(Int64(Harness.backupTime.timeIntervalSince1970 * 1_000_000) + Int64(index) * 1_000_000)")
            field("__MONOTONIC_TIMESTAMP=\(1000 + index)")
            field("_BOOT_ID=0123456789abcdef0123456789abcdef")
            field("_SYSTEMD_UNIT=\(unit)")
            field("PRIORITY=\(priority)")
            field("MESSAGE=\(message)")
            field("")
        }
        field("__REALTIME_TIMESTAMP=\(Int64(Harness.backupTime.timeIntervalSince1970 * 1_000_000) + 5_000_000)")
        field("__MONOTONIC_TIMESTAMP=2000")
        field("_BOOT_ID=0123456789abcdef0123456789abcdef")
        field("_SYSTEMD_UNIT=orders-api.service")
        let binary: [UInt8] = Array("lock on orders held by pid 7 ".utf8) + [0xFF, 0xFE]
        export.append(Data("MESSAGE\n".utf8))
        var length = UInt64(binary.count).littleEndian
        export.append(Data(bytes: &length, count: 8))
        export.append(Data(binary))
        field("")
        field("")
        let input = directory.file("orders.export")
        try export.write(to: URL(fileURLWithPath: input))
        let journal = directory.file("remote/orders.journal")
        try FileManager.default.createDirectory(atPath: directory.file("remote"), withIntermediateDirectories: true)
        try await Shell.run(["/usr/lib/systemd/systemd-journal-remote", "--output=\(journal)", input])

        // The default 10 s limit is for production; under the whole suite's load on two cores,
        // CPU-bound tests can starve this test's tasks for longer than that (seen in CI).
        let source = JournaldLogSource(
            runner: ProcessRunner(), unitTemplate: "{service}.service", directory: directory.file("remote"), timeout: .seconds(120))
        let lines = try await source.lines(
            of: "orders-api", from: Harness.backupTime.addingTimeInterval(-60), to: Harness.backupTime.addingTimeInterval(60), limit: 100)
        #expect(lines.map(\.text).prefix(2) == ["could not serialize access due to concurrent update", "Started orders-api.service."])
        #expect(lines.first?.level == "error")
        #expect(lines.first?.timestamp == Harness.backupTime)
        #expect(lines.count == 3)
        #expect(lines.last?.text.hasPrefix("lock on orders held by pid 7") == true)
        #expect(lines.allSatisfy { $0.source == "journald" })
    }

    /// Golden renderings of a report built from fixed values; re-record with BACKSTOP_RECORD_GOLDEN=1.
    @Test func renderingsMatchTheGoldenFiles() throws {
        let report = Self.fixedReport()
        let markdown = MarkdownReport.render(report)
        let json = String(decoding: try JSONEncoder.api.encode(report), as: UTF8.self) + "\n"
        for (name, text) in [("report.md", markdown), ("report.json", json)] {
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Golden/\(name)").path
            if ProcessInfo.processInfo.environment["BACKSTOP_RECORD_GOLDEN"] == "1" {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            }
            #expect(text == (try String(contentsOfFile: path, encoding: .utf8)), "\(name) differs")
        }
    }

    /// Evidence is shown in a code fence; text that holds a fence itself gets the other kind.
    @Test func evidenceHoldingABacktickFenceIsFencedWithTildes() {
        var report = Self.fixedReport()
        report.failures[0].evidence = ["restic: unexpected ```json``` in the repository config"]
        #expect(MarkdownReport.render(report).contains("~~~text\nrestic: unexpected ```json```"))
        report.failures[0].evidence = ["the key ``x`` is missing, `y` too"]
        #expect(MarkdownReport.render(report).contains("```text\nthe key ``x`` is missing"))
    }

    static func fixedReport() -> IncidentReport {
        let window = BackupWindow(
            schedule: "nightly", start: Date(timeIntervalSince1970: 1_795_312_800), end: Date(timeIntervalSince1970: 1_795_320_000),
            closesAt: Date(timeIntervalSince1970: 1_795_320_900))
        let at = { (offset: Double) in Date(timeIntervalSince1970: 1_795_313_700 + offset) }
        var lock = VerificationOutcome(
            asset: "orders-db", schedule: "nightly", window: window,
            artifact: Artifact(path: "/srv/backups/orders/orders-2026-11-22.sql.gz", sizeBytes: 2_048, modifiedAt: at(0)),
            checks: [
                .passed(.exists, "found"),
                .failed(.toolStatus, "backup tool reported failure with exit code 1", expected: "success", actual: "failure"),
            ], producedAt: at(0), late: false, bytesHashed: 2_048, verifiedAt: window.closesAt)
        lock.toolReport = ToolReport(asset: "orders-db", status: .failure, exitCode: 1, finishedAt: at(0))
        lock.diagnosis = Diagnosis(
            cause: .lockWait, confidence: 0.92, evidence: ["pg_dump: error: query failed: ERROR:  canceling statement due to lock timeout"],
            rule: "builtin:lock-repository")
        var missing = VerificationOutcome(
            asset: "search-index", schedule: "nightly", window: window, artifact: nil,
            checks: [.failed(.exists, "no artifact matches /srv/backups/search/*.tar.zst")], producedAt: nil, late: false, bytesHashed: 0,
            verifiedAt: window.closesAt)
        missing.diagnosis = Diagnosis(
            cause: .unknown, confidence: 0.2, evidence: ["exists: no artifact matches /srv/backups/search/*.tar.zst"], rule: "none")
        let run = VerificationRun(
            id: "run_20261122_0415_abcdef", trigger: .schedule("nightly"), startedAt: window.closesAt,
            finishedAt: window.closesAt.addingTimeInterval(4),
            status: .failed, outcomes: [lock, missing], restoreTests: [])
        let lines = [
            LogLine(
                timestamp: at(-2), service: "orders-api", source: "file",
                text: "process 4242 still waiting for AccessShareLock on relation 16385"),
            LogLine(
                timestamp: at(-1), service: "orders-api", source: "file",
                text: "process 4242 still waiting for AccessShareLock on relation 16385"),
            LogLine(
                timestamp: at(0), service: "orders-api", source: "file", text: "ERROR:  canceling statement due to lock timeout",
                level: "error"),
            LogLine(timestamp: at(-30), service: "orders-worker", source: "journald", text: "Started orders-worker.service."),
        ]
        let logs = LogCorrelator().correlate(
            lines: Dictionary(grouping: lines, by: \.service), roles: [("orders-api", "source"), ("orders-worker", "adjacent")],
            focus: at(0),
            evidence: lock.diagnosis?.evidence ?? [], windowStart: window.start.addingTimeInterval(-1_800), windowEnd: window.closesAt,
            sourceProblems: ["loki http://loki:3100: connection refused"])
        let assets = [
            Asset(
                name: "orders-db", kind: .database, service: "orders-api", adjacent: ["orders-worker"], scheduleName: "nightly",
                backup: BackupSpec(path: "/srv/backups/orders/*.sql.gz")),
            Asset(
                name: "search-index", kind: .objectStore, service: "search", scheduleName: "nightly",
                backup: BackupSpec(path: "/srv/backups/search/*.tar.zst")),
        ]
        return ReportBuilder(assets: assets, runbooks: [.lockWait: "https://wiki.example.com/runbooks/backup-lock-wait"])
            .build(run: run, logs: ["orders-db": logs], generatedAt: window.closesAt.addingTimeInterval(5))
    }
}
