import HTTPTypes

/// Who may call each route: the one table the authorization middleware consults. A route not
/// listed here needs `read` (so a new route is never open by accident).
package enum RouteAccess: Sendable, Equatable {
    /// Anyone: probes must work without credentials.
    case open
    /// A token granting this role.
    case role(APIRole)
    /// Alertmanager: an `ingest` token, or the credentials of `webhook:`.
    case webhook

    package struct Entry: Sendable {
        package var method: HTTPRequest.Method
        /// Segments starting with `:` match any one segment.
        package var path: String
        package var access: RouteAccess
    }

    package static let table: [Entry] = [
        Entry(method: .get, path: "/-/healthy", access: .open),
        Entry(method: .get, path: "/-/ready", access: .open),
        Entry(method: .get, path: "/metrics", access: .role(.read)),
        Entry(method: .get, path: "/debug/healthz", access: .role(.read)),
        Entry(method: .get, path: "/", access: .role(.read)),
        Entry(method: .get, path: "/assets/:name", access: .role(.read)),
        Entry(method: .get, path: "/runs/:id", access: .role(.read)),
        Entry(method: .get, path: "/incidents/:id", access: .role(.read)),
        Entry(method: .get, path: "/runbooks", access: .role(.read)),
        Entry(method: .get, path: "/runbooks/:page", access: .role(.read)),
        Entry(method: .get, path: "/api/v1/runs", access: .role(.read)),
        Entry(method: .get, path: "/api/v1/runs/:id", access: .role(.read)),
        Entry(method: .get, path: "/api/v1/runs/:id/report.md", access: .role(.read)),
        Entry(method: .get, path: "/api/v1/runs/:id/report.json", access: .role(.read)),
        Entry(method: .get, path: "/api/v1/incidents", access: .role(.read)),
        Entry(method: .get, path: "/api/v1/incidents/:id", access: .role(.read)),
        Entry(method: .get, path: "/api/v1/incidents/:id/report.md", access: .role(.read)),
        Entry(method: .get, path: "/api/v1/digests/latest", access: .role(.read)),
        // Retry approvals are operators' business (issue 20): the list as well as the answers.
        Entry(method: .get, path: "/api/v1/approvals", access: .role(.operator)),
        Entry(method: .post, path: "/api/v1/approvals/:id/approve", access: .role(.operator)),
        Entry(method: .post, path: "/api/v1/approvals/:id/deny", access: .role(.operator)),
        Entry(method: .post, path: "/api/v1/events", access: .role(.ingest)),
        Entry(method: .post, path: "/api/v1/alerts", access: .webhook),
    ]

    /// The access a request needs; HEAD is treated as GET.
    package static func required(method: HTTPRequest.Method, path: String) -> RouteAccess {
        entry(method: method, path: path)?.access ?? .role(.read)
    }

    /// The table's entries with their paths split once, not on every request.
    private static let patterns = table.map { ($0, $0.path.split(separator: "/", omittingEmptySubsequences: false)) }

    /// What ``entry(method:path:)`` answers for each path of the table without a `:` segment,
    /// worked out once by the same matching. A path is looked up before it is split: the
    /// webhook's requests come by the thousand a second, and splitting each path into an array
    /// was four allocations per request.
    private static let literalPaths: [String: [HTTPRequest.Method: Entry]] = {
        var answers: [String: [HTTPRequest.Method: Entry]] = [:]
        for entry in table where !entry.path.contains(":") {
            answers[entry.path, default: [:]][entry.method] = matching(method: entry.method, path: entry.path)
        }
        return answers
    }()

    /// The table's entry for a request, if any.
    package static func entry(method: HTTPRequest.Method, path: String) -> Entry? {
        let method = method == .head ? .get : method
        if let answer = literalPaths[path]?[method] { return answer }
        return matching(method: method, path: path)
    }

    /// The first entry of the table that matches, segment by segment.
    private static func matching(method: HTTPRequest.Method, path: String) -> Entry? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return patterns.first { entry, pattern in
            guard entry.method == method, pattern.count == segments.count else { return false }
            return zip(pattern, segments).allSatisfy { $0.hasPrefix(":") ? !$1.isEmpty : $0 == $1 }
        }?.0
    }
}
