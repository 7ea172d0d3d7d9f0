import BackstopInput

/// `incidents.jira`: Jira Cloud (email + API token, Basic) or Data Center (personal access
/// token, Bearer); REST v3 (descriptions in Atlassian Document Format) or v2 (plain text).
package struct JiraConfiguration: Sendable, Equatable {
    package var url: String
    package var api = 3
    package var project: String
    package var issueType = "Incident"
    /// With an email, the token is sent as Cloud Basic auth; without, as a Bearer PAT.
    package var email: String?
    package var token: Secret
    /// The transition (by name) that resolves an issue.
    package var resolveTransition = "Done"
    /// The transition that reopens one; nil only comments.
    package var reopenTransition: String?

    package init(url: String, project: String, token: Secret) {
        self.url = url
        self.project = project
        self.token = token
    }

    package var credentials: HTTPCredentials {
        email.map { HTTPCredentials.basic(username: $0, password: token) } ?? .bearer(token)
    }
}
