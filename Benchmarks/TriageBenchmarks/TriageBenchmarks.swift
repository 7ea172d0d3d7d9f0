import Backstop
import BackstopCore
import Benchmark
import Foundation

/// In-process figures of the failure and alert paths (scripts/bench --inproc): the tool-output
/// classifier over the real outputs in Tests/Fixtures/tool-output, the webhook's decode of
/// Alertmanager's captured notification, a storm's batch of Alertmanager notifications triaged
/// through the real desk into a real SQLite record, and the outbox drained after a tracker
/// outage. scripts/bench measures a storm whole-process (intake, drain time); these measure
/// each of those parts without the HTTP server around it.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(5),
        maxIterations: 50
    )

    // Named without the count, so a baseline still compares after outputs are added.
    Benchmark("Classifier over the tool-output corpus") { benchmark in
        let classifier = FailureClassifier()
        let outputs = ToolOutputCorpus.outputs
        guard outputs.count >= 400 else {
            throw StormFixture.Failure("Tests/Fixtures/tool-output has \(outputs.count) readable outputs, expected 400 or more")
        }
        benchmark.startMeasurement()
        for output in outputs {
            blackHole(classifier.diagnose(output: output.text, exitCode: output.exitCode, tool: output.tool))
        }
        benchmark.stopMeasurement()
    }

    // What the webhook does to each body before it can be recorded: the decode and checks the
    // intake pays per request, apart from HTTP and the commit.
    Benchmark("Alertmanager webhook body decode (1,000 bodies)") { benchmark in
        let bodies = try WebhookBodies.make(1_000)
        let now = Date()
        benchmark.startMeasurement()
        for body in bodies {
            blackHole(try AlertmanagerPayload.notification(from: body, id: "ntf_bench", receivedAt: now))
        }
        benchmark.stopMeasurement()
    }

    // The intake's share of the store: 1,024 accepted notifications written as the webhook's group
    // commit writes them, 32 to a transaction (one per connection of the intake benchmark), each
    // commit fsynced. Per notification it is the record's part of an acknowledged request.
    Benchmark(
        "Intake group commits (1,024 notifications, 32 a commit)",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 10)
    ) { benchmark in
        let now = Date()
        let accepted = try WebhookBodies.make(1_024).enumerated().map { index, body in
            EncodedNotification(
                try AlertmanagerPayload.notification(from: body, id: "ntf_\(index)", receivedAt: now),
                acceptedBody: String(decoding: body, as: UTF8.self))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("record.db").path)
        benchmark.startMeasurement()
        for start in stride(from: 0, to: accepted.count, by: 32) {
            blackHole(try await store.appendNotifications(Array(accepted[start..<start + 32])))
        }
        benchmark.stopMeasurement()
    }

    // Triage renders a report per notification (Markdown and JSON, stored with the incident);
    // under a storm that is a large part of a notification's triage. The report is the one the
    // storm's first notification gets, from the real triage's findings.
    Benchmark("Alert report rendered (1,000 reports)") { benchmark in
        let storm = try await StormFixture(notifications: 1)
        defer { storm.remove() }
        guard let findings = try await storm.handler.triage.findings(for: storm.notifications[0]) else {
            throw StormFixture.Failure("the storm's notification gave no findings")
        }
        let report = AlertReport.report(findings.firing, notification: findings.notification, runbooks: [:], now: Date())
        benchmark.startMeasurement()
        for _ in 0..<1_000 { blackHole(report.rendered) }
        benchmark.stopMeasurement()
    }

    // The outbox drained after a tracker outage: one incident's long queue of comments, and as
    // many incidents with one message each. Both should cost the same per message.
    for (incidents, messages) in [(1, 2_000), (2_000, 1)] {
        Benchmark(
            "Outbox drain (\(incidents) incidents, \(messages) messages each)",
            configuration: .init(
                metrics: [.wallClock, .cpuTotal], warmupIterations: 0, maxDuration: .seconds(30), maxIterations: 3)
        ) { benchmark in
            let outbox = try await OutboxFixture(incidents: incidents, messages: messages)
            defer { outbox.remove() }
            benchmark.startMeasurement()
            let sent = try await outbox.delivery.deliverDue()
            benchmark.stopMeasurement()
            guard sent == incidents * messages else {
                throw StormFixture.Failure("the outbox sent \(sent) messages of \(incidents * messages)")
            }
        }
    }

    for size in [100, 1_000] {
        Benchmark(
            "Triage batch (\(size) notifications)",
            configuration: .init(
                metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident], warmupIterations: 1,
                maxDuration: .seconds(10), maxIterations: 10)
        ) { benchmark in
            let storm = try await StormFixture(notifications: size)
            defer { storm.remove() }
            benchmark.startMeasurement()
            let failures = await storm.handler.handle(batch: storm.notifications)
            benchmark.stopMeasurement()
            if let first = failures.first {
                throw StormFixture.Failure("triage failed for \(failures.count) notifications, first \(first.item.id): \(first.error)")
            }
        }
    }
}
