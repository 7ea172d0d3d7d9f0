import BackstopTesting
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5))) struct FakeLinearTests {
    static let key = "lin_api_0123456789abcdef"
    static let team = LinearTeam.standard()

    static let createIssue = """
        mutation CreateIssue($input: IssueCreateInput!) {
          issueCreate(input: $input) { success issue { id identifier title priority state { name type } } }
        }
        """

    static func input(id: String? = nil, teamId: String = team.id, priority: JSONValue = 2) -> JSONValue {
        var input: [String: JSONValue] = [
            "teamId": .string(teamId), "title": "Backup of orders failed", "description": "**pg_dump** hit a lock timeout",
            "priority": priority,
        ]
        if let id { input["id"] = .string(id) }
        return .object(input)
    }

    static func graphQL(
        _ url: String, _ query: String, variables: JSONValue = [:], authorization: String? = key
    ) async throws -> FakeAnswer {
        try await FakeHTTPRequests.post(
            "\(url)/graphql", json: ["query": .string(query), "variables": variables],
            headers: authorization.map { [("Authorization", $0)] } ?? [])
    }

    static func firstError(_ answer: FakeAnswer) -> JSONValue? {
        answer.json?["errors"]?.array?.first
    }

    @Test func buildsLinearsSchemaFromTheContract() throws {
        let duration = try FakeLinear.schemaBuildDuration()
        print("Linear schema built from linear-schema.graphql in \(duration)")
        #expect(duration < .seconds(120))
    }

    @Test func createsAnIssueAnsweringOnlyTheSelectedFields() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        let answer = try await linear.run { url in try await Self.graphQL(url, Self.createIssue, variables: ["input": Self.input()]) }
        #expect(answer.status == 200)
        let issue = try #require(answer.json?["data"]?["issueCreate"]?["issue"])
        #expect(answer.json?["data"]?["issueCreate"]?["success"] == true)
        #expect(issue["identifier"] == "OPS-1" && issue["title"] == "Backup of orders failed" && issue["priority"] == 2)
        #expect(issue["state"] == ["name": "Backlog", "type": "backlog"])
        #expect(issue.object.map { Set($0.keys) } == ["id", "identifier", "title", "priority", "state"])
        #expect(answer.json?["errors"] == nil)
        let stored = try #require(linear.issue("OPS-1"))
        #expect(stored.description == "**pg_dump** hit a lock timeout")
        #expect(stored.stateType == "backlog")
    }

    @Test func refusesABearerPrefixedOrMissingKey() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        let answers = try await linear.run { url in
            [
                try await Self.graphQL(url, Self.createIssue, variables: ["input": Self.input()], authorization: "Bearer \(Self.key)"),
                try await Self.graphQL(url, Self.createIssue, variables: ["input": Self.input()], authorization: nil),
            ]
        }
        for answer in answers {
            #expect(answer.status == 400)
            let extensions = Self.firstError(answer)?["extensions"]
            #expect(extensions?["code"] == "AUTHENTICATION_ERROR" && extensions?["type"] == "authentication error")
        }
        #expect(linear.issues.isEmpty)
    }

    @Test func refusesADocumentThatDoesNotValidateAgainstLinearsSchema() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        let answer = try await linear.run { url in
            try await Self.graphQL(
                url, "mutation($input: IssueCreateInput!) { issueCreate(input: $input) { issue { id severity } } }",
                variables: ["input": Self.input()])
        }
        #expect(answer.status == 400)
        let error = try #require(Self.firstError(answer))
        #expect(error["message"]?.string?.hasPrefix(#"Cannot query field "severity" on type "Issue"."#) == true)
        #expect(error["extensions"]?["code"] == "GRAPHQL_VALIDATION_FAILED")
        #expect(linear.issues.isEmpty)
    }

    @Test func saysWhenASelectedFieldIsNotModelledAndChangesNothing() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        let answer = try await linear.run { url in
            try await Self.graphQL(
                url, "mutation($input: IssueCreateInput!) { issueCreate(input: $input) { issue { id reactionData } } }",
                variables: ["input": Self.input()])
        }
        #expect(answer.status == 400)
        #expect(Self.firstError(answer)?["message"]?.string?.contains("does not model this field") == true, "\(answer.text)")
        #expect(linear.issues.isEmpty)
    }

    @Test func refusesAVariableOfTheWrongType() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        let answer = try await linear.run { url in
            try await Self.graphQL(url, Self.createIssue, variables: ["input": Self.input(priority: "high")])
        }
        #expect(answer.status == 400)
        let error = try #require(Self.firstError(answer))
        #expect(error["message"]?.string?.contains("$input") == true)
        #expect(error["message"]?.string?.contains("priority") == true)
        #expect(error["extensions"]?["code"] == "BAD_USER_INPUT")
        #expect(answer.json?["data"] == nil, "\(answer.text)")
        #expect(linear.issues.isEmpty)
    }

    @Test func refusesADuplicateClientIDAndChangesNothing() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        let id = "8a0c1f3e-2b4d-4c6e-9f10-1a2b3c4d5e6f"
        let (first, second) = try await linear.run { url in
            (
                try await Self.graphQL(url, Self.createIssue, variables: ["input": Self.input(id: id)]),
                try await Self.graphQL(url, Self.createIssue, variables: ["input": Self.input(id: id)])
            )
        }
        #expect(first.json?["data"]?["issueCreate"]?["issue"]?["id"] == .string(id))
        #expect(second.status == 400)
        let error = try #require(Self.firstError(second))
        #expect(error["message"] == .string("Conflict: Issue with id \(id) already exists"))
        #expect(error["extensions"]?["code"] == "INPUT_ERROR" && error["extensions"]?["type"] == "invalid input")
        #expect(error["path"] == ["issueCreate"])
        #expect(linear.issues.map(\.identifier) == ["OPS-1"], "the failed create took no issue number")
    }

    @Test func refusesAnUnknownTeamAndAPriorityOutOfRange() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        let (team, priority) = try await linear.run { url in
            (
                try await Self.graphQL(
                    url, Self.createIssue, variables: ["input": Self.input(teamId: "00000000-0000-4000-8000-000000000000")]),
                try await Self.graphQL(url, Self.createIssue, variables: ["input": Self.input(priority: 7)])
            )
        }
        #expect(Self.firstError(team)?["message"] == "Entity not found: Team")
        #expect(Self.firstError(priority)?["extensions"]?["userPresentableMessage"] == "priority must not be greater than 4")
        #expect(linear.issues.isEmpty)
    }

    @Test func attachesCommentsAndMovesTheIssueThroughTheWorkflow() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        let attach = """
            mutation($input: AttachmentCreateInput!) { attachmentCreate(input: $input) { success attachment { id title url } } }
            """
        let (states, first, second, found, comment, update) = try await linear.run { url in
            let states = try await Self.graphQL(
                url, "query($id: String!) { team(id: $id) { states { nodes { id name type } } } }", variables: ["id": .string(Self.team.id)]
            )
            _ = try await Self.graphQL(url, Self.createIssue, variables: ["input": Self.input()])
            let report: JSONValue = ["issueId": "OPS-1", "title": "Run 42", "url": "https://backstop.example/runs/42"]
            let first = try await Self.graphQL(url, attach, variables: ["input": report])
            let second = try await Self.graphQL(
                url, attach,
                variables: ["input": ["issueId": "OPS-1", "title": "Run 42 (retried)", "url": "https://backstop.example/runs/42"]])
            let found = try await Self.graphQL(
                url, #"{ attachmentsForURL(url: "https://backstop.example/runs/42") { nodes { title issue { identifier } } } }"#)
            let comment = try await Self.graphQL(
                url, "mutation($input: CommentCreateInput!) { commentCreate(input: $input) { success comment { body } } }",
                variables: ["input": ["issueId": "OPS-1", "body": "Retried at 03:00"]])
            let done = Self.team.states.first { $0.type == "completed" }?.id ?? ""
            let update = try await Self.graphQL(
                url,
                "mutation($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { issue { state { name type } } } }",
                variables: ["id": "OPS-1", "input": ["stateId": .string(done)]])
            return (states, first, second, found, comment, update)
        }
        let stateTypes = states.json?["data"]?["team"]?["states"]?["nodes"]?.array?.compactMap { $0["type"]?.string }
        #expect(stateTypes == ["backlog", "unstarted", "started", "completed", "canceled"])
        let firstID = first.json?["data"]?["attachmentCreate"]?["attachment"]?["id"]
        #expect(
            firstID != nil && second.json?["data"]?["attachmentCreate"]?["attachment"]?["id"] == firstID,
            "same issue and URL: same attachment")
        #expect(found.json?["data"]?["attachmentsForURL"]?["nodes"] == [["title": "Run 42 (retried)", "issue": ["identifier": "OPS-1"]]])
        #expect(comment.json?["data"]?["commentCreate"] == ["success": true, "comment": ["body": "Retried at 03:00"]])
        #expect(update.json?["data"]?["issueUpdate"]?["issue"]?["state"] == ["name": "Done", "type": "completed"])
        let issue = try #require(linear.issue("OPS-1"))
        #expect(issue.attachments.count == 1 && issue.comments.map(\.body) == ["Retried at 03:00"] && issue.stateName == "Done")
    }

    @Test func rateLimitsTheKeyWithLinearsError() async throws {
        let clock = TestClock()
        let linear = try FakeLinear(apiKey: Self.key, requestsPerHour: 1, now: clock.now)
        let (allowed, limited, later) = try await linear.run { url in
            let allowed = try await Self.graphQL(url, Self.createIssue, variables: ["input": Self.input()])
            let limited = try await Self.graphQL(url, Self.createIssue, variables: ["input": Self.input()])
            clock.advance(3_600)
            let later = try await Self.graphQL(url, Self.createIssue, variables: ["input": Self.input()])
            return (allowed, limited, later)
        }
        #expect(allowed.status == 200 && later.status == 200)
        #expect(limited.status == 400)
        #expect(Self.firstError(limited)?["extensions"]?["code"] == "RATELIMITED")
        #expect(limited.headers.first(name: "Retry-After") == "3600")
        #expect(limited.headers.first(name: "X-RateLimit-Requests-Remaining") == "0")
        #expect(linear.issues.count == 2)
    }

    @Test func faultsAreAnsweredWithoutCreatingIssues() async throws {
        let linear = try FakeLinear(apiKey: Self.key)
        try await FakeFaultChecks.check(
            faults: linear.faults, log: linear.log, run: { body in try await linear.run(body) },
            send: { url, timeout in
                try await FakeHTTPRequests.post(
                    "\(url)/graphql", json: ["query": .string(Self.createIssue), "variables": ["input": Self.input()]],
                    headers: [("Authorization", Self.key)], timeout: timeout)
            },
            rateLimitStatus: 400,
            rateLimitCheck: { answer in #expect(Self.firstError(answer)?["extensions"]?["code"] == "RATELIMITED") })
        #expect(linear.issues.map(\.identifier) == ["OPS-1"])
    }
}
