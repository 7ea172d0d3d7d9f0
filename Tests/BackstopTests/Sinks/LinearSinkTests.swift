import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5))) struct LinearSinkTests {
    static let key = "lin_api_s3cr3t0123456789"
    static let team = LinearTeam.standard()
    static let incident = SinkFixtures.incident()

    static func sink(_ url: String, key: String = key, timeout: Duration = .seconds(60)) -> LinearSink {
        var configuration = LinearConfiguration(teamID: team.id, apiKey: Secret(key))
        configuration.url = "\(url)/graphql"
        return LinearSink(configuration: configuration, http: SinkHTTPClient(timeout: timeout))
    }

    static func message(_ action: OutboxAction, id: Int64 = 1, markdown: String = SinkFixtures.report, inDoubt: Bool = false)
        -> OutboxMessage
    {
        SinkFixtures.message(action, target: .linear, id: id, markdown: markdown, inDoubt: inDoubt)
    }

    /// Opens the incident and returns it with the reference the outbox would store.
    static func opened(_ sink: LinearSink) async throws -> Incident {
        let reference = try await sink.deliver(message(.open), incident: incident)
        return SinkFixtures.incident(references: [.linear: try #require(reference)])
    }

    @Test func openCreatesOneIssueWithADeterministicIDAndTheReportLink() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        let reference = try await linear.run { url in try await Self.sink(url).deliver(Self.message(.open), incident: Self.incident) }
        #expect(linear.issues.count == 1)
        let issue = try #require(linear.issue("OPS-1"))
        #expect(reference == ExternalReference(id: issue.id, key: "OPS-1", url: "https://linear.app/backstop-fake/issue/OPS-1"))
        let uuid = try #require(UUID(uuidString: issue.id))
        #expect(uuid.uuid.6 >> 4 == 4, "a version-4 UUID")
        #expect(issue.title == "Backup of orders-db failed: disk_full")
        #expect(issue.description == SinkFixtures.report)
        #expect(issue.priority == 1)
        #expect(issue.attachments.map(\.url) == [SinkFixtures.reportURL])
        #expect(issue.attachments.first?.title == "Backstop incident report")
    }

    @Test func aRepeatedOpenDoesNotDuplicateWithOrWithoutDoubt() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        let references = try await linear.run { url in
            let sink = Self.sink(url)
            return [
                try await sink.deliver(Self.message(.open), incident: Self.incident),
                try await sink.deliver(Self.message(.open, inDoubt: true), incident: Self.incident),
                // Not marked in doubt, yet created before: Linear's duplicate-id refusal means success.
                try await sink.deliver(Self.message(.open), incident: Self.incident),
            ]
        }
        #expect(linear.issues.count == 1)
        #expect(Set(references.map { $0?.id }).count == 1)
        #expect(linear.issue("OPS-1")?.attachments.count == 1)
    }

    @Test func updateCommentsOnTheIssue() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        try await linear.run { url in
            let sink = Self.sink(url)
            let incident = try await Self.opened(sink)
            _ = try await sink.deliver(Self.message(.update, id: 2, markdown: "Failed again at 03:00"), incident: incident)
        }
        let comments = try #require(linear.issue("OPS-1")?.comments)
        #expect(comments.map(\.body) == ["Failed again at 03:00"])
        #expect(comments.first.flatMap { UUID(uuidString: $0.id) } != nil)
    }

    @Test func resolveMovesToDoneAndComments() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        try await linear.run { url in
            let sink = Self.sink(url)
            let incident = try await Self.opened(sink)
            _ = try await sink.deliver(Self.message(.resolve, id: 2, markdown: "Verified healthy"), incident: incident)
        }
        let issue = try #require(linear.issue("OPS-1"))
        #expect(issue.stateName == "Done" && issue.stateType == "completed")
        #expect(issue.comments.map(\.body) == ["Verified healthy"])
    }

    @Test func resolveFallsBackToACompletedState() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        try await linear.run { url in
            var sink = Self.sink(url)
            sink.configuration.completedState = "Shipped"
            let incident = try await Self.opened(sink)
            _ = try await sink.deliver(Self.message(.resolve, id: 2, markdown: "Verified healthy"), incident: incident)
        }
        #expect(linear.issue("OPS-1")?.stateType == "completed")
    }

    @Test func reopenMovesToTheFirstUnstartedState() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        try await linear.run { url in
            let sink = Self.sink(url)
            let incident = try await Self.opened(sink)
            _ = try await sink.deliver(Self.message(.resolve, id: 2, markdown: "Healthy"), incident: incident)
            _ = try await sink.deliver(Self.message(.reopen, id: 3, markdown: "Failed again"), incident: incident)
        }
        let issue = try #require(linear.issue("OPS-1"))
        #expect(issue.stateName == "Todo" && issue.stateType == "unstarted")
        #expect(issue.comments.map(\.body) == ["Healthy", "Failed again"])
    }

    @Test func pageIsRejected() async throws {
        let error = await SinkFixtures.failure { () async throws(SinkError) in
            try await Self.sink("http://127.0.0.1:9").deliver(Self.message(.page), incident: Self.incident)
        }
        #expect(error?.reason == .rejected && error?.isRetryable == false)
    }

    @Test func rateLimitingCarriesRetryAfter() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        linear.faults.failNext(1, with: .rateLimited(retryAfterSeconds: 42))
        let error = try await linear.run { url in
            await SinkFixtures.failure { () async throws(SinkError) in
                try await Self.sink(url).deliver(Self.message(.open), incident: Self.incident)
            }
        }
        #expect(error?.reason == .rateLimited)
        #expect(error?.retryAfter == .seconds(42))
        #expect(linear.issues.isEmpty)
    }

    @Test func theKeysOwnRateLimitIsRateLimitedToo() async throws {
        let linear = try FakeLinear(apiKey: Self.key, requestsPerHour: 1)
        let error = try await linear.run { url in
            let sink = Self.sink(url)
            return await SinkFixtures.failure { () async throws(SinkError) in
                // The create is the one request allowed; the attachment is over the limit.
                try await sink.deliver(Self.message(.open), incident: Self.incident)
            }
        }
        #expect(error?.reason == .rateLimited)
        #expect(error?.retryAfter != nil)
        #expect(error?.mayHaveReached == true)
        #expect(linear.issues.count == 1)
    }

    @Test func aServerErrorIsRetryable() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        linear.faults.failNext(1, with: .status(503))
        let error = try await linear.run { url in
            await SinkFixtures.failure { () async throws(SinkError) in
                try await Self.sink(url).deliver(Self.message(.open), incident: Self.incident)
            }
        }
        #expect(error?.reason == .serverError)
        #expect(error?.isRetryable == true)
    }

    @Test func aWrongKeyIsUnauthorizedWithoutTheKey() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        let wrong = "lin_api_wrong_9f8e7d"
        let error = try await linear.run { url in
            await SinkFixtures.failure { () async throws(SinkError) in
                try await Self.sink(url, key: wrong).deliver(Self.message(.open), incident: Self.incident)
            }
        }
        let failure = try #require(error)
        #expect(failure.reason == .unauthorized)
        #expect(!failure.message.contains(wrong) && !failure.message.contains(Self.key))
    }

    @Test func aHangTimesOutAsMaybeReached() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        linear.faults.setOutage(.hang)
        let error = try await linear.run { url in
            await SinkFixtures.failure { () async throws(SinkError) in
                try await Self.sink(url, timeout: .milliseconds(300)).deliver(Self.message(.open), incident: Self.incident)
            }
        }
        #expect(error?.reason == .timeout)
        #expect(error?.mayHaveReached == true)
        #expect(linear.issues.isEmpty)
    }
}
