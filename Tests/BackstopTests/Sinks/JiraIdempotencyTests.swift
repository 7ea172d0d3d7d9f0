import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Creating an issue and commenting are idempotent by construction, however far Jira's search
/// index lags: what an earlier attempt may have done is read back exactly, never searched for.
@Suite(.timeLimit(.minutes(2))) struct JiraIdempotencyTests {
    static let incident = SinkFixtures.incident()

    static func fake(searchDelay: Duration) throws -> FakeJira {
        try FakeJira(authentication: .basic(email: JiraSinkTests.email, apiToken: JiraSinkTests.token), searchDelay: searchDelay)
    }

    /// The outbox's sequence for one attempt whose answer was lost: checkpoint, create, then a
    /// retry in doubt with the same checkpoint.
    static func openTwice(_ sink: JiraSink, incident: Incident = incident) async throws -> (ExternalReference?, ExternalReference?) {
        var message = SinkFixtures.message(.open)
        message.sinkNote = try await sink.checkpoint(message, incident: incident)
        let first = try await sink.deliver(message, incident: incident)
        message.inDoubt = true
        let second = try await sink.deliver(message, incident: incident)
        return (first, second)
    }

    @Test func aRetriedCreateFindsTheIssueWhileSearchLagsTenSeconds() async throws {
        let jira = try Self.fake(searchDelay: .seconds(10))
        let (first, second) = try await jira.run { url in try await Self.openTwice(JiraSinkTests.sink(url)) }
        #expect(first != nil && first == second)
        #expect(jira.issues.count == 1, "\(jira.issues.map(\.key))")
        #expect(jira.issue("OPS-1")?.properties["backstop.incident"]?["incident"]?.string == SinkFixtures.incidentID)
        // Search still lags 10 s: only reading the issue by key can have found it (a search-only
        // lookup created a second issue here before).
    }

    @Test func theCheckpointLooksPastIssuesOthersCreatedMeanwhile() async throws {
        let jira = try Self.fake(searchDelay: .seconds(10))
        let (first, second) = try await jira.run { url in
            let sink = JiraSinkTests.sink(url)
            var message = SinkFixtures.message(.open)
            message.sinkNote = try await sink.checkpoint(message, incident: Self.incident)
            // Someone else's issues, created before and after ours.
            _ = try await sink.deliver(SinkFixtures.message(.open), incident: SinkFixtures.incident(id: "inc-other-1"))
            let first = try await sink.deliver(message, incident: Self.incident)
            _ = try await sink.deliver(SinkFixtures.message(.open), incident: SinkFixtures.incident(id: "inc-other-2"))
            message.inDoubt = true
            return (first, try await sink.deliver(message, incident: Self.incident))
        }
        #expect(first?.key == "OPS-2" && second == first)
        #expect(jira.issues.count == 3)
    }

    @Test func aRetriedCommentCarryingItsMarkerIsNotPostedAgain() async throws {
        let jira = try JiraSinkTests.fake()
        try await jira.run { url in
            let sink = JiraSinkTests.sink(url)
            let reference = try await sink.deliver(SinkFixtures.message(.open), incident: Self.incident)
            let incident = SinkFixtures.incident(references: [.jira: try #require(reference)])
            // Two updates with the same words are two comments; a retried one is still one.
            var update = SinkFixtures.message(.update, id: 2, markdown: "Failed again")
            _ = try await sink.deliver(update, incident: incident)
            update.inDoubt = true
            _ = try await sink.deliver(update, incident: incident)
            // In doubt, but its first attempt never reached Jira: the same words are not it.
            _ = try await sink.deliver(SinkFixtures.message(.update, id: 3, markdown: "Failed again", inDoubt: true), incident: incident)
        }
        let comments = try #require(jira.issue("OPS-1")?.comments)
        #expect(comments.count == 2)
        let texts = comments.map { "\($0.body)" }
        #expect(texts[0].contains("backstop-message:\(SinkFixtures.incidentID):2"), "\(texts[0])")
        #expect(texts[1].contains("backstop-message:\(SinkFixtures.incidentID):3"), "\(texts[1])")
    }
}
