import BackstopTesting
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5))) struct FakeJiraTests {
    static let basic = "Basic " + Data("ops@example.com:token-123".utf8).base64EncodedString()
    static let auth = [("Authorization", basic)]

    static func jira(searchLag: Int = 1) throws -> FakeJira {
        try FakeJira(authentication: .basic(email: "ops@example.com", apiToken: "token-123"), searchLag: searchLag)
    }

    static let document: JSONValue = [
        "type": "doc", "version": 1,
        "content": [
            ["type": "heading", "attrs": ["level": 2], "content": [["type": "text", "text": "Backup failed"]]],
            [
                "type": "paragraph",
                "content": [
                    ["type": "text", "text": "See ", "marks": [["type": "strong"]]],
                    [
                        "type": "text", "text": "run 42",
                        "marks": [["type": "link", "attrs": ["href": "https://backstop.example/runs/42"]]],
                    ],
                ],
            ],
            [
                "type": "bulletList",
                "content": [["type": "listItem", "content": [["type": "paragraph", "content": [["type": "text", "text": "orders"]]]]]],
            ],
            ["type": "codeBlock", "content": [["type": "text", "text": "pg_dump: error: lock timeout"]]],
            ["type": "rule"],
        ],
    ]

    static func issue(description: JSONValue? = document, summary: String = "Backup of orders failed", labels: [JSONValue] = ["backstop"])
        -> JSONValue
    {
        var fields: [String: JSONValue] = [
            "project": ["key": "OPS"], "issuetype": ["name": "Task"], "summary": .string(summary), "labels": .array(labels),
        ]
        if let description { fields["description"] = description }
        return ["fields": .object(fields)]
    }

    static func create(_ url: String, _ body: JSONValue, version: Int = 3) async throws -> FakeAnswer {
        try await FakeHTTPRequests.post("\(url)/rest/api/\(version)/issue", json: body, headers: auth)
    }

    @Test func createsAnIssueAndReadsItBack() async throws {
        let jira = try Self.jira()
        let (created, read) = try await jira.run { url in
            let created = try await Self.create(url, Self.issue())
            let read = try await FakeHTTPRequests.send(.GET, "\(url)/rest/api/3/issue/OPS-1", headers: Self.auth)
            return (created, read)
        }
        #expect(created.status == 201)
        #expect(created.json?["id"] == "10001" && created.json?["key"] == "OPS-1")
        #expect(created.json?["self"]?.string?.hasSuffix("/rest/api/3/issue/10001") == true)
        #expect(read.status == 200)
        #expect(read.json?["fields"]?["summary"] == "Backup of orders failed")
        #expect(read.json?["fields"]?["labels"] == ["backstop"])
        #expect(read.json?["fields"]?["status"]?["name"] == "To Do")
        #expect(read.json?["fields"]?["description"] == Self.document)
        #expect(jira.issue("OPS-1")?.description == Self.document)
    }

    @Test func refusesCredentialsInTheWrongForm() async throws {
        let jira = try Self.jira()
        let statuses = try await jira.run { url in
            var answers: [FakeAnswer] = []
            for header in ["Bearer token-123", "Basic " + Data("ops@example.com:wrong".utf8).base64EncodedString(), "token-123"] {
                answers.append(
                    try await FakeHTTPRequests.post("\(url)/rest/api/3/issue", json: Self.issue(), headers: [("Authorization", header)]))
            }
            answers.append(try await FakeHTTPRequests.post("\(url)/rest/api/3/issue", json: Self.issue()))
            return answers
        }
        #expect(statuses.map(\.status) == [401, 401, 401, 401])
        #expect(statuses.first?.json?["errorMessages"] == ["Client must be authenticated to access this resource."])
        #expect(jira.issues.isEmpty)
    }

    @Test func acceptsABearerTokenWhenConfiguredForOne() async throws {
        let jira = try FakeJira(authentication: .bearer(token: "pat-1"))
        let answer = try await jira.run { url in
            try await FakeHTTPRequests.post("\(url)/rest/api/3/issue", json: Self.issue(), headers: [("Authorization", "Bearer pat-1")])
        }
        #expect(answer.status == 201)
    }

    @Test func v3RefusesAPlainStringDescription() async throws {
        let jira = try Self.jira()
        let answer = try await jira.run { url in try await Self.create(url, Self.issue(description: "Backup failed")) }
        #expect(answer.status == 400)
        #expect(answer.json == ["errorMessages": [], "errors": ["description": "Operation value must be an Atlassian Document"]])
        #expect(jira.issues.isEmpty)
    }

    @Test func v3NamesTheBrokenNodeOfADocument() async throws {
        let broken: JSONValue = [
            "type": "doc", "version": 1, "content": [["type": "paragraph", "content": [["type": "text", "text": ""]]]],
        ]
        let heading: JSONValue = [
            "type": "doc", "version": 1,
            "content": [["type": "heading", "attrs": ["level": 7], "content": [["type": "text", "text": "x"]]]],
        ]
        let jira = try Self.jira()
        let (empty, deep) = try await jira.run { url in
            (try await Self.create(url, Self.issue(description: broken)), try await Self.create(url, Self.issue(description: heading)))
        }
        #expect(empty.status == 400)
        #expect(
            empty.json?["errors"]?["description"]
                == "Operation value must be an Atlassian Document: content[0].content[0].text: must be a non-empty string")
        #expect(deep.json?["errors"]?["description"]?.string?.hasSuffix("content[0].attrs.level: must be an integer from 1 to 6") == true)
    }

    @Test func v2TakesAStringDescriptionAndRefusesADocument() async throws {
        let jira = try Self.jira()
        let (document, text) = try await jira.run { url in
            (
                try await Self.create(url, Self.issue(description: Self.document), version: 2),
                try await Self.create(url, Self.issue(description: "Backup failed"), version: 2)
            )
        }
        #expect(document.status == 400)
        #expect(document.json?["errors"] == ["description": "Operation value must be a string"])
        #expect(text.status == 201)
        #expect(jira.issue("OPS-1")?.description == "Backup failed")
    }

    @Test func refusesWhatJiraRefusesInTheFields() async throws {
        let jira = try Self.jira()
        let answer = try await jira.run { url in
            try await Self.create(
                url,
                [
                    "fields": [
                        "project": ["key": "NOPE"], "issuetype": ["name": "Epic"], "summary": .string(String(repeating: "s", count: 256)),
                        "labels": ["backup failed"],
                    ]
                ])
        }
        #expect(answer.status == 400)
        #expect(
            answer.json?["errors"] == [
                "project": "Specify a valid project ID or key", "issuetype": "Specify a valid issue type",
                "summary": "Summary must be less than 255 characters.",
                "labels": "The label 'backup failed' contains spaces which is invalid.",
            ])
    }

    @Test func commentsInBothVersions() async throws {
        let jira = try Self.jira()
        let (v3, v2, wrong, missing) = try await jira.run { url in
            _ = try await Self.create(url, Self.issue())
            let path = "\(url)/rest/api/%d/issue/OPS-1/comment"
            return (
                try await FakeHTTPRequests.post(String(format: path, 3), json: ["body": Self.document], headers: Self.auth),
                try await FakeHTTPRequests.post(String(format: path, 2), json: ["body": "Retried at 03:00"], headers: Self.auth),
                try await FakeHTTPRequests.post(String(format: path, 3), json: ["body": "plain"], headers: Self.auth),
                try await FakeHTTPRequests.post(
                    String(format: path, 3).replacingOccurrences(of: "OPS-1", with: "OPS-9"), json: ["body": Self.document],
                    headers: Self.auth)
            )
        }
        #expect(v3.status == 201 && v3.json?["id"] != nil)
        #expect(v2.status == 201)
        #expect(wrong.status == 400 && wrong.json?["errors"]?["comment"] == "Operation value must be an Atlassian Document")
        #expect(missing.status == 404)
        #expect(jira.issue("OPS-1")?.comments.map(\.body) == [Self.document, "Retried at 03:00"])
    }

    @Test func transitionsThroughTheConfiguredWorkflow() async throws {
        let jira = try Self.jira()
        let (list, done, unknown) = try await jira.run { url in
            _ = try await Self.create(url, Self.issue())
            let path = "\(url)/rest/api/3/issue/OPS-1/transitions"
            return (
                try await FakeHTTPRequests.send(.GET, path, headers: Self.auth),
                try await FakeHTTPRequests.post(path, json: ["transition": ["id": "31"]], headers: Self.auth),
                try await FakeHTTPRequests.post(path, json: ["transition": ["id": "99"]], headers: Self.auth)
            )
        }
        let transitions = try #require(list.json?["transitions"]?.array)
        #expect(transitions.map { $0["name"]?.string } == ["To Do", "Start Progress", "Done"])
        #expect(transitions.last?["to"]?["statusCategory"]?["key"] == "done")
        #expect(done.status == 204)
        #expect(unknown.status == 400)
        #expect(unknown.json?["errorMessages"] == ["Transition id '99' is not valid for this issue."])
        let issue = try #require(jira.issue("OPS-1"))
        #expect(issue.status == "Done")
        #expect(issue.transitions.map(\.transitionID) == ["31"])
    }

    @Test func attachmentsNeedTheXSRFHeader() async throws {
        let jira = try Self.jira()
        let boundary = "backstop-boundary"
        let report = Data("# Backup report\n\nlock timeout\n".utf8)
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"report.md\"\r\n".utf8)
        body += Data("Content-Type: text/markdown\r\n\r\n".utf8) + report + Data("\r\n--\(boundary)--\r\n".utf8)
        let upload = body
        let (blocked, attached) = try await jira.run { url in
            _ = try await Self.create(url, Self.issue())
            let path = "\(url)/rest/api/3/issue/OPS-1/attachments"
            let form = ("Content-Type", "multipart/form-data; boundary=\(boundary)")
            return (
                try await FakeHTTPRequests.send(.POST, path, headers: Self.auth + [form], body: upload),
                try await FakeHTTPRequests.send(.POST, path, headers: Self.auth + [form, ("X-Atlassian-Token", "no-check")], body: upload)
            )
        }
        #expect(blocked.status == 403 && blocked.text == "XSRF check failed")
        #expect(attached.status == 200)
        let first = try #require(attached.json?.array?.first)
        #expect(first["filename"] == "report.md" && first["size"] == .number(Double(report.count)) && first["mimeType"] == "text/markdown")
        #expect(jira.issue("OPS-1")?.attachments.map(\.data) == [report])
    }

    @Test func searchIsNotReadAfterWriteConsistent() async throws {
        let jira = try Self.jira(searchLag: 2)
        let counts = try await jira.run { url in
            _ = try await Self.create(url, Self.issue())
            var counts: [Int] = []
            let query = "project%20%3D%20OPS%20AND%20labels%20%3D%20%22backstop%22&fields=summary,labels,status"
            for _ in 0..<3 {
                let answer = try await FakeHTTPRequests.send(.GET, "\(url)/rest/api/3/search/jql?jql=\(query)", headers: Self.auth)
                counts.append(answer.json?["issues"]?.array?.count ?? -1)
            }
            _ = try await Self.create(url, Self.issue(summary: "Second"))
            jira.indexAll()
            let indexed = try await FakeHTTPRequests.send(.GET, "\(url)/rest/api/3/search/jql?jql=\(query)", headers: Self.auth)
            counts.append(indexed.json?["issues"]?.array?.count ?? -1)
            #expect(indexed.json?["issues"]?.array?.last?["fields"]?["summary"] == "Second")
            return counts
        }
        #expect(counts == [0, 0, 1, 2])
    }

    @Test func searchRefusesJQLItCannotRunAndReconcilesRequestedIssues() async throws {
        let jira = try Self.jira(searchLag: 5)
        let (unknownField, unbounded, reconciled) = try await jira.run { url in
            _ = try await Self.create(url, Self.issue())
            let search = "\(url)/rest/api/3/search/jql"
            return (
                try await FakeHTTPRequests.send(.GET, "\(search)?jql=colour%20%3D%20red", headers: Self.auth),
                try await FakeHTTPRequests.send(.GET, "\(search)?jql=order%20by%20key", headers: Self.auth),
                try await FakeHTTPRequests.post(
                    search, json: ["jql": "labels = backstop", "reconcileIssues": [10_001]], headers: Self.auth)
            )
        }
        #expect(unknownField.status == 400)
        #expect(unknownField.json?["errorMessages"] == ["Field 'colour' does not exist or you do not have permission to view it."])
        #expect(unbounded.status == 400)
        #expect(reconciled.json?["issues"] == [["id": "10001"]], "ids only unless fields are asked for")
    }

    @Test func faultsAreAnsweredWithoutCreatingIssues() async throws {
        let jira = try Self.jira()
        try await FakeFaultChecks.check(
            faults: jira.faults, log: jira.log, run: { body in try await jira.run(body) },
            send: { url, timeout in
                try await FakeHTTPRequests.post("\(url)/rest/api/3/issue", json: Self.issue(), headers: Self.auth, timeout: timeout)
            },
            rateLimitStatus: 429)
        #expect(jira.issues.map(\.key) == ["OPS-1"])
    }
}
