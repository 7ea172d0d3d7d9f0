import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5))) struct JiraSinkTests {
    static let email = "ops@example.com"
    static let token = "jira-token-s3cr3t"

    static func fake(searchLag: Int = 1) throws -> FakeJira {
        try FakeJira(authentication: .basic(email: email, apiToken: token), searchLag: searchLag)
    }

    static func sink(_ url: String, token: String = token, api: Int = 3, email: String? = email, timeout: Duration = .seconds(60))
        -> JiraSink
    {
        var configuration = JiraConfiguration(url: url, project: "OPS", token: Secret(token))
        configuration.api = api
        configuration.email = email
        var sink = JiraSink(configuration: configuration, http: SinkHTTPClient(timeout: timeout))
        // The fake's index catches up by searches, not time.
        sink.searchRetryDelays = [.zero, .zero, .zero]
        return sink
    }

    static let incident = SinkFixtures.incident()

    @Test func openCreatesOneIssueWithLabelsDocumentAndReport() async throws {
        let jira = try Self.fake()
        let (reference, url) = try await jira.run { url in
            (try await Self.sink(url).deliver(SinkFixtures.message(.open), incident: Self.incident), url)
        }
        #expect(reference == ExternalReference(id: "10001", key: "OPS-1", url: "\(url)/browse/OPS-1"))
        #expect(jira.issues.count == 1)
        let issue = try #require(jira.issue("OPS-1"))
        #expect(issue.summary == "Backup of orders-db failed: disk_full")
        #expect(issue.issueType == "Incident")
        #expect(issue.labels == ["backstop", "backstop_orders-db_disk_full", SinkFixtures.incidentID])
        #expect(issue.description?["type"] == "doc")
        let blocks = issue.description?["content"]?.array?.compactMap { $0["type"]?.string } ?? []
        #expect(blocks.first == "heading")
        #expect(Set(blocks).isSuperset(of: ["paragraph", "bulletList", "orderedList", "codeBlock", "blockquote", "rule"]))
        #expect(issue.attachments.map(\.filename) == ["\(SinkFixtures.incidentID).md"])
        #expect(issue.attachments.first?.data == Data(SinkFixtures.report.utf8))
        #expect(issue.attachments.first?.mimeType == "text/markdown")
    }

    /// The report renderer's golden output is what real incidents carry: Jira must accept it as ADF.
    @Test func theGoldenReportIsAValidDocument() async throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Golden/report.md").path
        let report = try String(contentsOfFile: path, encoding: .utf8)
        let jira = try Self.fake()
        let reference = try await jira.run { url in
            try await Self.sink(url).deliver(SinkFixtures.message(.open, markdown: report), incident: Self.incident)
        }
        #expect(reference?.key == "OPS-1")
        let blocks = jira.issue("OPS-1")?.description?["content"]?.array?.compactMap { $0["type"]?.string } ?? []
        #expect(blocks.filter { $0 == "heading" }.count == report.split(separator: "\n").filter { $0.hasPrefix("#") }.count)
        #expect(blocks.contains("codeBlock") && blocks.contains("bulletList"))
    }

    @Test func aLongTitleIsCutToJirasSummaryLimit() async throws {
        let jira = try Self.fake()
        var message = SinkFixtures.message(.open)
        message.payload.title = String(repeating: "orders-db failed ", count: 30) + "\nsecond line"
        let long = message
        try await jira.run { url in _ = try await Self.sink(url).deliver(long, incident: Self.incident) }
        let summary = try #require(jira.issue("OPS-1")?.summary)
        #expect(summary.count == 255 && !summary.contains("\n"))
    }

    @Test func aLongReportIsCutInTheDescriptionAndAttachedWhole() async throws {
        let lines = (1...2_000).map { "02:15:\(String(format: "%02d", $0 % 60)) ERROR orders-api: write failed (line \($0))" }
        let report = "# Backup failed\n\n```text\n" + lines.joined(separator: "\n") + "\n```\n"
        let jira = try Self.fake()
        try await jira.run { url in
            _ = try await Self.sink(url).deliver(SinkFixtures.message(.open, markdown: report), incident: Self.incident)
        }
        let issue = try #require(jira.issue("OPS-1"))
        let blocks = try #require(issue.description?["content"]?.array)
        #expect(blocks.map { $0["type"]?.string } == ["heading", "codeBlock", "paragraph"])
        #expect(blocks.last?["content"]?[0]?["text"]?.string?.contains("attached as \(SinkFixtures.incidentID).md") == true)
        #expect((blocks[1]["content"]?[0]?["text"]?.string?.count ?? .max) < 16_000)
        #expect(issue.attachments.first?.data == Data(report.utf8))
    }

    /// The description already holds the report, so a refused upload does not hold the issue back.
    @Test func aReportTooLargeToAttachStillOpensTheIssue() async throws {
        let jira = try FakeJira(authentication: .basic(email: Self.email, apiToken: Self.token), maximumAttachmentBytes: 100)
        let reference = try await jira.run { url in
            try await Self.sink(url).deliver(SinkFixtures.message(.open), incident: Self.incident)
        }
        #expect(reference?.key == "OPS-1")
        #expect(jira.issues.count == 1 && jira.issue("OPS-1")?.attachments.isEmpty == true)
    }

    @Test func v2WithABearerTokenSendsPlainText() async throws {
        let jira = try FakeJira(authentication: .bearer(token: "pat-123"))
        try await jira.run { url in
            let sink = Self.sink(url, token: "pat-123", api: 2, email: nil)
            let reference = try await sink.deliver(SinkFixtures.message(.open), incident: Self.incident)
            let incident = SinkFixtures.incident(references: [.jira: try #require(reference)])
            _ = try await sink.deliver(SinkFixtures.message(.update, id: 2, markdown: "Failed again at 03:00"), incident: incident)
            _ = try await sink.deliver(
                SinkFixtures.message(.update, id: 2, markdown: "Failed again at 03:00", inDoubt: true), incident: incident)
        }
        let issue = try #require(jira.issue("OPS-1"))
        #expect(issue.description == .string(SinkFixtures.report))
        #expect(issue.comments.map(\.body) == [.string("Failed again at 03:00\n\n`backstop-message:\(SinkFixtures.incidentID):2`")])
        #expect(issue.attachments.count == 1)
    }

    @Test func anInDoubtOpenFindsTheIssueInsteadOfCreatingASecond() async throws {
        let jira = try Self.fake(searchLag: 2)
        let (first, second) = try await jira.run { url in
            let sink = Self.sink(url)
            let first = try await sink.deliver(SinkFixtures.message(.open), incident: Self.incident)
            // The outbox did not learn the reference: the attempt timed out as far as it knows.
            let second = try await sink.deliver(SinkFixtures.message(.open, inDoubt: true), incident: Self.incident)
            return (first, second)
        }
        #expect(first == second)
        #expect(jira.issues.count == 1)
        #expect(jira.issue("OPS-1")?.attachments.count == 1)
    }

    @Test func anInDoubtOpenAttachesTheReportWhenTheEarlierAttemptCouldNot() async throws {
        let jira = try Self.fake()
        let reference = try await jira.run { url in
            // An earlier attempt created the issue and then lost its connection.
            let issue: JSONValue = [
                "fields": [
                    "project": ["key": "OPS"], "issuetype": ["name": "Incident"], "summary": "Backup of orders-db failed",
                    "labels": ["backstop", .string(SinkFixtures.incidentID)],
                ]
            ]
            let basic = "Basic " + Data("\(Self.email):\(Self.token)".utf8).base64EncodedString()
            let created = try await FakeHTTPRequests.post("\(url)/rest/api/3/issue", json: issue, headers: [("Authorization", basic)])
            try #require(created.status == 201)
            return try await Self.sink(url).deliver(SinkFixtures.message(.open, inDoubt: true), incident: Self.incident)
        }
        #expect(reference?.key == "OPS-1")
        #expect(jira.issues.count == 1)
        #expect(jira.issue("OPS-1")?.attachments.map(\.filename) == ["\(SinkFixtures.incidentID).md"])
    }

    @Test func updateCommentsOnTheReferencedIssue() async throws {
        let jira = try Self.fake()
        try await jira.run { url in
            let sink = Self.sink(url)
            let reference = try await sink.deliver(SinkFixtures.message(.open), incident: Self.incident)
            let incident = SinkFixtures.incident(references: [.jira: try #require(reference)])
            let update = SinkFixtures.message(.update, id: 2, markdown: "Failed **again** at 03:00")
            _ = try await sink.deliver(update, incident: incident)
            // The outbox retries after a timeout that hid the answer: the comment is there already.
            var retry = update
            retry.inDoubt = true
            _ = try await sink.deliver(retry, incident: incident)
        }
        let comments = try #require(jira.issue("OPS-1")?.comments)
        #expect(comments.count == 1)
        #expect(comments.first?.body["type"] == "doc")
        #expect(
            comments.first?.body["content"]?[0]?["content"]?.array?.map { $0["text"]?.string ?? "" } == ["Failed ", "again", " at 03:00"])
    }

    @Test func updateWithoutAnIssueIsRejected() async throws {
        let jira = try Self.fake()
        let error = try await jira.run { url in
            await SinkFixtures.failure { () async throws(SinkError) in
                try await Self.sink(url).deliver(SinkFixtures.message(.update), incident: Self.incident)
            }
        }
        #expect(error?.reason == .rejected)
        #expect(error?.isRetryable == false)
        #expect(error?.message.contains(SinkFixtures.incidentID) == true)
    }

    @Test func resolveTransitionsToDoneOnceAndComments() async throws {
        let jira = try Self.fake()
        try await jira.run { url in
            let sink = Self.sink(url)
            let reference = try await sink.deliver(SinkFixtures.message(.open), incident: Self.incident)
            let incident = SinkFixtures.incident(references: [.jira: try #require(reference)])
            let resolve = SinkFixtures.message(.resolve, id: 3, markdown: "Verified healthy at 04:00")
            _ = try await sink.deliver(resolve, incident: incident)
            // A retried resolve finds the issue done and only comments.
            _ = try await sink.deliver(resolve, incident: incident)
        }
        let issue = try #require(jira.issue("OPS-1"))
        #expect(issue.status == "Done")
        #expect(issue.transitions.map(\.transitionID) == ["31"])
        #expect(issue.comments.count == 2)
    }

    @Test func reopenAppliesTheConfiguredTransition() async throws {
        let jira = try Self.fake()
        try await jira.run { url in
            var sink = Self.sink(url)
            sink.configuration.reopenTransition = "to do"
            let reference = try await sink.deliver(SinkFixtures.message(.open), incident: Self.incident)
            let incident = SinkFixtures.incident(references: [.jira: try #require(reference)])
            _ = try await sink.deliver(SinkFixtures.message(.resolve, id: 2, markdown: "Healthy"), incident: incident)
            _ = try await sink.deliver(SinkFixtures.message(.reopen, id: 3, markdown: "Failed again"), incident: incident)
        }
        let issue = try #require(jira.issue("OPS-1"))
        #expect(issue.status == "To Do")
        #expect(issue.transitions.map(\.transitionID) == ["31", "11"])
    }

    @Test func aMissingResolveTransitionNamesTheAvailableOnes() async throws {
        let jira = try Self.fake()
        let error = try await jira.run { url in
            var sink = Self.sink(url)
            sink.configuration.resolveTransition = "Close Issue"
            let reference = try await sink.deliver(SinkFixtures.message(.open), incident: Self.incident)
            let incident = SinkFixtures.incident(references: [.jira: try #require(reference)])
            return await SinkFixtures.failure { () async throws(SinkError) in
                try await sink.deliver(SinkFixtures.message(.resolve, id: 2), incident: incident)
            }
        }
        #expect(error?.reason == .rejected)
        #expect(error?.message.contains("'Close Issue'") == true)
        #expect(error?.message.contains("'Done'") == true && error?.message.contains("'Start Progress'") == true)
    }

    @Test func pageIsRejected() async throws {
        let error = await SinkFixtures.failure { () async throws(SinkError) in
            try await Self.sink("http://127.0.0.1:9").deliver(SinkFixtures.message(.page), incident: Self.incident)
        }
        #expect(error?.reason == .rejected && error?.isRetryable == false)
    }

    @Test func rateLimitingCarriesRetryAfter() async throws {
        let jira = try Self.fake()
        jira.faults.failNext(1, with: .rateLimited(retryAfterSeconds: 17))
        let error = try await jira.run { url in
            await SinkFixtures.failure { () async throws(SinkError) in
                try await Self.sink(url).deliver(SinkFixtures.message(.open), incident: Self.incident)
            }
        }
        #expect(error?.reason == .rateLimited)
        #expect(error?.retryAfter == .seconds(17))
        #expect(jira.issues.isEmpty)
    }

    @Test func aServerErrorIsRetryable() async throws {
        let jira = try Self.fake()
        jira.faults.failNext(1, with: .status(503))
        let error = try await jira.run { url in
            await SinkFixtures.failure { () async throws(SinkError) in
                try await Self.sink(url).deliver(SinkFixtures.message(.open), incident: Self.incident)
            }
        }
        #expect(error?.reason == .serverError)
        #expect(error?.isRetryable == true)
    }

    @Test func wrongCredentialsAreUnauthorizedWithoutTheSecret() async throws {
        let jira = try Self.fake()
        let wrong = "wrong-token-0f9e8d"
        let error = try await jira.run { url in
            await SinkFixtures.failure { () async throws(SinkError) in
                try await Self.sink(url, token: wrong).deliver(SinkFixtures.message(.open), incident: Self.incident)
            }
        }
        let failure = try #require(error)
        #expect(failure.reason == .unauthorized)
        #expect(!failure.message.contains(wrong) && !failure.message.contains(Data("\(Self.email):\(wrong)".utf8).base64EncodedString()))
        #expect(!failure.description.contains(wrong))
    }

    @Test func aHangTimesOutAsMaybeReached() async throws {
        let jira = try Self.fake()
        jira.faults.setOutage(.hang)
        let error = try await jira.run { url in
            await SinkFixtures.failure { () async throws(SinkError) in
                try await Self.sink(url, timeout: .milliseconds(300)).deliver(SinkFixtures.message(.open), incident: Self.incident)
            }
        }
        #expect(error?.reason == .timeout)
        #expect(error?.mayHaveReached == true)
        #expect(jira.issues.isEmpty)
    }
}
