/// The JSON Jira's REST API takes and answers, as far as the sink uses it.
///
/// Rich text is ADF in REST v3 and a plain string in v2; the sink picks by the configured `api`.
enum JiraRichText: Sendable, Equatable, Codable {
    case document(ADFDocument)
    case plain(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .plain(text)
        } else {
            self = .document(try container.decode(ADFDocument.self))
        }
    }

    init(markdown: String, api: Int) {
        self = api >= 3 ? .document(MarkdownToADF.document(markdown)) : .plain(markdown)
    }

    /// The words, without formatting: where a comment's marker is looked for.
    var text: String {
        switch self {
        case .document(let document): document.text
        case .plain(let text): text
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .document(let document): try container.encode(document)
        case .plain(let text): try container.encode(text)
        }
    }
}

struct JiraCreateIssueRequest: Encodable {
    struct Fields: Encodable {
        var project: JiraKeyReference
        var issuetype: JiraNameReference
        var summary: String
        var description: JiraRichText
        var labels: [String]
    }

    var fields: Fields
    /// Issue properties set with the issue: the incident's own, read back exactly by key.
    var properties: [JiraIncidentProperty]
}

/// The issue property `backstop.incident`: `{"incident": "<id>"}`, written when the issue is
/// created, so an issue is known to be the incident's from the issue alone.
struct JiraIncidentProperty: Codable {
    struct Value: Codable, Equatable {
        var incident: String
    }

    static let key = "backstop.incident"

    var key: String = Self.key
    var value: Value
}

struct JiraKeyReference: Encodable {
    var key: String
}

struct JiraNameReference: Encodable {
    var name: String
}

struct JiraCreatedIssue: Decodable {
    var id: String
    var key: String
}

struct JiraCommentRequest: Encodable {
    var body: JiraRichText
}

/// `POST /search/jql`; `reconcileIssues` asks for read-after-write consistency for issues the
/// caller knows it just wrote (numeric ids).
struct JiraSearchRequest: Encodable {
    var jql: String
    var fields: [String]
    var maxResults: Int
    var reconcileIssues: [Int]?
}

struct JiraSearchResult: Decodable {
    var issues: [JiraIssueSummary]
}

/// An issue with the fields the sink asks for (`status`, `labels`, `attachment`).
struct JiraIssueSummary: Decodable {
    struct Fields: Decodable {
        var status: JiraStatus?
        var labels: [String]?
        var attachment: [JiraAttachmentSummary]?
    }

    struct Properties: Decodable {
        var incident: JiraIncidentProperty.Value?

        private enum CodingKeys: String, CodingKey {
            case incident = "backstop.incident"
        }
    }

    var id: String
    var key: String
    var fields: Fields?
    /// Present when asked for with `properties=backstop.incident`.
    var properties: Properties?

    /// Whether this issue was created for `incidentID` (its property, else its label says so).
    func belongs(to incidentID: String) -> Bool {
        properties?.incident?.incident == incidentID || fields?.labels?.contains(JiraLabels.incident(incidentID)) == true
    }
}

/// `GET /issue/{key}?fields=comment`: the comments already on an issue.
struct JiraIssueComments: Decodable {
    struct Fields: Decodable {
        var comment: Page?
    }

    struct Page: Decodable {
        var comments: [Comment]
    }

    struct Comment: Decodable {
        /// Nil when Jira answers with rich text this model cannot read: it is not ours then.
        var body: JiraRichText?

        private enum CodingKeys: String, CodingKey {
            case body
        }

        init(from decoder: any Decoder) throws {
            body = try? decoder.container(keyedBy: CodingKeys.self).decode(JiraRichText.self, forKey: .body)
        }
    }

    var fields: Fields?
}

struct JiraStatus: Decodable {
    var name: String
}

struct JiraAttachmentSummary: Decodable {
    var id: String
    var filename: String
}

struct JiraTransitionList: Decodable {
    struct Transition: Decodable {
        var id: String
        var name: String
        var to: JiraStatus?
    }

    var transitions: [Transition]
}

struct JiraTransitionRequest: Encodable {
    struct Identifier: Encodable {
        var id: String
    }

    var transition: Identifier
}
