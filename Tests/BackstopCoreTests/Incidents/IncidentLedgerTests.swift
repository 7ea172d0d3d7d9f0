import BackstopCore
import Foundation
import Synchronization
import Testing

/// The core knows no sink by name: these are a tracker and a pager as the sinks' folders
/// register them (their traits decide what the ledger sends).
extension SinkKind {
    fileprivate static let tracker = SinkKind(rawValue: "jira")
    fileprivate static let pager = SinkKind(rawValue: "pagerduty")
}

@Suite struct IncidentLedgerTests {
    static let start = Date(timeIntervalSince1970: 1_795_314_600)

    static func ledger(sink: SinkKind? = .tracker, page: SinkKind? = .pager, reopenWithin: Duration = .seconds(86_400)) -> IncidentLedger {
        var policy = IncidentPolicy()
        policy.sink = sink
        policy.page = page
        policy.reopenWithin = reopenWithin
        policy.traits = [.pager: SinkTraits(takesUpdates: false, reopens: false, pages: true)]
        policy.reportBaseURL = "https://backstop.example.com/"
        let counter = Counter()
        return IncidentLedger(policy: policy, makeID: { _ in "inc_\(counter.next())" })
    }

    static func failure(_ runID: String, asset: String = "orders-db", cause: FailureCause = .diskFull) -> TriagedFailure {
        TriagedFailure(
            asset: asset, schedule: "nightly", cause: cause, evidence: ["No space left on device"], runID: runID, failingSince: start,
            occurredAt: start, attempted: [], logExcerpt: ["orders-api: write failed"], reportMarkdown: "# report \(runID)",
            reportJSON: "{}")
    }

    @Test func aNewFailureOpensOneIncidentWithATrackerIssueAndAPage() throws {
        let change = Self.ledger().record(Self.failure("run_1"), latest: nil, now: Self.start)
        let incident = try #require(change.incidents.first)
        #expect(change.incidents.count == 1)
        #expect(incident.dedupKey == "backstop/orders-db/disk_full")
        #expect(incident.summary.contains("https://backstop.example.com/api/v1/incidents/inc_1/report.md"))
        #expect(change.messages.map(\.target) == [.tracker, .pager])
        #expect(change.messages.map(\.action) == [.open, .page])
        #expect(change.messages.first?.payload.markdown == "# report run_1")
        #expect(change.messages.first?.payload.details["log_excerpt"] == "orders-api: write failed")
        #expect(change.reports.count == 1 && change.events.map(\.kind) == [.opened])
    }

    @Test func aRecurrenceCommentsWithoutPagingAgainAndTheSameRunIsFoldedOnce() throws {
        let ledger = Self.ledger()
        let opened = try #require(ledger.record(Self.failure("run_1"), latest: nil, now: Self.start).incidents.first)
        let later = Self.start.addingTimeInterval(3_600)
        let update = ledger.record(Self.failure("run_2"), latest: opened, now: later)
        let updated = try #require(update.incidents.first)
        #expect(updated.id == opened.id && updated.occurrences == 2)
        #expect(update.messages.map(\.action) == [.update])
        #expect(update.messages.first?.payload.markdown.contains("orders-api: write failed") == true)
        // A triage repeated after a crash folds nothing in twice.
        #expect(ledger.record(Self.failure("run_2"), latest: updated, now: later).isEmpty)
    }

    @Test func pagerDutyAsTheSinkGetsNoUpdatesAndNoSeparatePage() throws {
        let ledger = Self.ledger(sink: .pager, page: .pager)
        let open = ledger.record(Self.failure("run_1"), latest: nil, now: Self.start)
        #expect(open.messages.map(\.action) == [.open])
        let incident = try #require(open.incidents.first)
        #expect(ledger.record(Self.failure("run_2"), latest: incident, now: Self.start.addingTimeInterval(60)).messages.isEmpty)
    }

    @Test func resolvedThenFailingAgainReopensWithinTheWindowAndOpensAfterIt() throws {
        let ledger = Self.ledger(reopenWithin: .seconds(3_600))
        let opened = try #require(ledger.record(Self.failure("run_1"), latest: nil, now: Self.start).incidents.first)
        let resolvedAt = Self.start.addingTimeInterval(600)
        let resolve = ledger.resolve([opened], runID: "run_2", now: resolvedAt)
        let resolved = try #require(resolve.incidents.first)
        #expect(resolved.state == .resolved && resolved.resolvedAt == resolvedAt)
        #expect(resolve.messages.map(\.target) == [.tracker, .pager] && resolve.messages.allSatisfy { $0.action == .resolve })

        let soon = ledger.record(Self.failure("run_3"), latest: resolved, now: resolvedAt.addingTimeInterval(1_800))
        #expect(soon.incidents.first?.id == opened.id && soon.incidents.first?.state == .open)
        #expect(soon.messages.map(\.action) == [.reopen, .page])

        let late = ledger.record(Self.failure("run_4"), latest: resolved, now: resolvedAt.addingTimeInterval(7_200))
        #expect(late.incidents.first?.id == "inc_2")
        #expect(late.messages.map(\.action) == [.open, .page])
    }

    @Test func autoResolveOffLeavesIncidentsOpen() throws {
        var ledger = Self.ledger()
        ledger.policy.autoResolve = false
        let opened = try #require(ledger.record(Self.failure("run_1"), latest: nil, now: Self.start).incidents.first)
        #expect(ledger.resolve([opened], runID: "run_2", now: Self.start).isEmpty)
    }

    @Test func theSummaryIsOneBoundedParagraph() {
        var failure = Self.failure("run_1")
        failure.evidence = [String(repeating: "x", count: 5_000)]
        let summary = IncidentLedger.summary(failure, reportURL: "https://backstop.example.com/r")
        #expect(summary.count <= 1_000 && !summary.contains("\n"))
    }
}

/// Deterministic incident ids.
final class Counter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}
