import Foundation

/// How the Jira fake expects clients to authenticate.
package enum JiraAuthentication: Sendable {
    /// Jira Cloud API tokens: `Authorization: Basic base64(email:token)`.
    case basic(email: String, apiToken: String)
    /// Personal access tokens: `Authorization: Bearer <token>`.
    case bearer(token: String)

    /// Whether an `Authorization` header value carries these credentials in the right form.
    func accepts(_ header: String?) -> Bool {
        guard let header else { return false }
        let pieces = header.split(separator: " ", maxSplits: 1).map(String.init)
        guard pieces.count == 2 else { return false }
        let scheme = pieces[0].lowercased()
        let credentials = pieces[1].trimmingCharacters(in: .whitespaces)
        switch self {
        case .basic(let email, let apiToken):
            guard scheme == "basic", let decoded = Data(base64Encoded: credentials) else { return false }
            return String(decoding: decoded, as: UTF8.self) == "\(email):\(apiToken)"
        case .bearer(let token):
            return scheme == "bearer" && credentials == token
        }
    }
}

/// A workflow transition the fake offers on every issue (Jira calls these global transitions).
package struct JiraTransition: Sendable {
    package var id: String
    package var name: String
    package var toStatus: String
    /// `new`, `indeterminate` or `done`.
    package var statusCategory: String

    package init(id: String, name: String, toStatus: String, statusCategory: String) {
        self.id = id
        self.name = name
        self.toStatus = toStatus
        self.statusCategory = statusCategory
    }

    /// To Do → In Progress → Done, with Jira's usual ids.
    package static let defaultWorkflow: [JiraTransition] = [
        JiraTransition(id: "11", name: "To Do", toStatus: "To Do", statusCategory: "new"),
        JiraTransition(id: "21", name: "Start Progress", toStatus: "In Progress", statusCategory: "indeterminate"),
        JiraTransition(id: "31", name: "Done", toStatus: "Done", statusCategory: "done"),
    ]
}

package struct JiraComment: Sendable {
    package var id: String
    /// ADF (v3) or a string (v2), as sent.
    package var body: JSONValue
    package var apiVersion: Int
}

package struct JiraAttachment: Sendable {
    package var id: String
    package var filename: String
    package var mimeType: String
    package var data: Data
}

/// One transition applied to an issue.
package struct JiraTransitionRecord: Sendable {
    package var transitionID: String
    package var from: String
    package var to: String
}

/// An issue in the Jira fake.
package struct JiraIssue: Sendable {
    package var id: String
    package var key: String
    package var projectKey: String
    package var issueType: String
    package var summary: String
    /// The description as sent: ADF (v3) or a string (v2); nil when none was given.
    package var description: JSONValue?
    package var labels: [String]
    package var status: String
    package var statusCategory: String
    package var comments: [JiraComment] = []
    package var attachments: [JiraAttachment] = []
    package var transitions: [JiraTransitionRecord] = []
    package var created: Date
    /// Issue properties (entity properties) by key, as set at create.
    package var properties: [String: JSONValue] = [:]
    /// Search calls still to come before the search index has this issue.
    var searchesUntilIndexed: Int
    /// When the search index has this issue at the earliest (creation plus the fake's time lag).
    var indexedAt: Date
}
