import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A local server following Grafana Loki's documented `GET /loki/api/v1/query_range` for log
/// queries: stream selectors with `=`/`!=` matchers and `|=` line filters, `start`
/// (inclusive) and `end` (exclusive) in nanoseconds or RFC 3339, `limit` across all streams
/// (default 100, at most `maxEntriesPerQuery`), `direction`, and `X-Scope-OrgID` when multi-tenant.
/// An authenticating gateway in front of it is emulated by `authorization`.
package final class FakeLoki: Sendable {
    package struct Entry: Sendable {
        package var labels: [String: String]
        package var nanoseconds: Int64
        package var line: String

        package init(labels: [String: String], nanoseconds: Int64, line: String) {
            self.labels = labels
            self.nanoseconds = nanoseconds
            self.line = line
        }
    }

    /// What a client sent, for assertions on paging.
    package struct ReceivedQuery: Sendable {
        package var query: String
        package var start: Int64
        package var end: Int64
        package var limit: Int
        package var direction: String
        package var tenant: String?
    }

    /// Tenants and their entries; nil tenant = Loki run with `auth_enabled: false`.
    private let entries: Mutex<[String: [Entry]]> = Mutex([:])
    private let recorded: Mutex<[ReceivedQuery]> = Mutex([])
    package let multiTenant: Bool
    package let authorization: String?
    package let maxEntriesPerQuery: Int

    package init(multiTenant: Bool = true, authorization: String? = nil, maxEntriesPerQuery: Int = 5_000) {
        self.multiTenant = multiTenant
        self.authorization = authorization
        self.maxEntriesPerQuery = maxEntriesPerQuery
    }

    package func push(_ entry: Entry, tenant: String = "fake") {
        entries.withLock { $0[multiTenant ? tenant : "", default: []].append(entry) }
    }

    package var requests: [ReceivedQuery] { recorded.withLock { $0 } }

    package func run<Result: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> Result) async throws -> Result {
        let router = Router()
        router.get("/loki/api/v1/query_range") { request, _ in self.queryRange(request) }
        return try await LocalHTTPServer.run(router, body)
    }

    private func queryRange(_ request: Request) -> Response {
        if let authorization, request.headers[.authorization] != authorization {
            return Self.text(.unauthorized, "Unauthorized")
        }
        let tenant = Self.orgIDHeader.flatMap { request.headers[$0] }
        if multiTenant, tenant == nil { return Self.text(.unauthorized, "no org id") }
        let parameters = request.uri.queryParameters
        guard let query = parameters["query"].map(String.init) else {
            return Self.text(.badRequest, "parse error : syntax error: unexpected $end")
        }
        guard let selector = Selector(query) else {
            return Self.text(
                .badRequest,
                "parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value")
        }
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
        guard let end = parameters["end"].map({ Self.time(String($0)) }) ?? now,
            let start = parameters["start"].map({ Self.time(String($0)) }) ?? (end - 3_600_000_000_000)
        else { return Self.text(.badRequest, "invalid parameter: could not parse start/end") }
        guard end >= start else { return Self.text(.badRequest, "end timestamp must not be before or equal to start time") }
        guard let limit = parameters["limit"].map({ Int(String($0)) }) ?? 100, limit > 0 else {
            return Self.text(.badRequest, "limit must be a positive value")
        }
        guard limit <= maxEntriesPerQuery else {
            return Self.text(
                .badRequest, "max entries limit per query exceeded, limit > max_entries_limit_per_query (\(limit) > \(maxEntriesPerQuery))")
        }
        let direction = parameters["direction"].map(String.init) ?? "backward"
        guard ["forward", "backward"].contains(direction) else {
            return Self.text(.badRequest, "invalid direction '\(direction)'")
        }
        recorded.withLock {
            $0.append(ReceivedQuery(query: query, start: start, end: end, limit: limit, direction: direction, tenant: tenant))
        }
        var matching = entries.withLock { $0[multiTenant ? (tenant ?? "") : "", default: []] }
            .filter { $0.nanoseconds >= start && $0.nanoseconds < end && selector.matches($0) }
        matching.sort { direction == "forward" ? $0.nanoseconds < $1.nanoseconds : $0.nanoseconds > $1.nanoseconds }
        var streams: [[String: String]: [[String]]] = [:]
        for entry in matching.prefix(limit) { streams[entry.labels, default: []].append([String(entry.nanoseconds), entry.line]) }
        let result = streams.map { ["stream": $0.key, "values": $0.value] as [String: Any] }
        let body: [String: Any] = [
            "status": "success", "data": ["resultType": "streams", "result": result, "stats": [String: Any]()] as [String: Any],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=UTF-8"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// Nanosecond epoch or RFC 3339, as Loki accepts.
    private static func time(_ text: String) -> Int64? {
        if let value = Int64(text) { return value }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
        return date.map { Int64($0.timeIntervalSince1970 * 1_000_000_000) }
    }

    private static let orgIDHeader = HTTPField.Name("X-Scope-OrgID")

    private static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    /// `{a="x", b!="y"} |= "text"`: what the stand-in understands of LogQL. Anything else is a
    /// parse error, as Loki would answer for what it cannot parse.
    struct Selector {
        var matchers: [(label: String, equal: Bool, value: String)] = []
        var contains: [String] = []

        init?(_ query: String) {
            let pattern = #"^\s*\{(.*)\}((?:\s*\|=\s*"(?:[^"\\]|\\.)*")*)\s*$"#
            guard let regex = try? NSRegularExpression(pattern: pattern),
                let match = regex.firstMatch(in: query, range: NSRange(query.startIndex..., in: query)),
                let inner = Range(match.range(at: 1), in: query), let filters = Range(match.range(at: 2), in: query)
            else { return nil }
            let matcher = try? NSRegularExpression(pattern: #"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)"#)
            let body = String(query[inner])
            var position = body.startIndex
            while position < body.endIndex {
                guard let found = matcher?.firstMatch(in: body, range: NSRange(position..., in: body)),
                    found.range.location == NSRange(position..., in: body).location,
                    let label = Range(found.range(at: 1), in: body), let op = Range(found.range(at: 2), in: body),
                    let value = Range(found.range(at: 3), in: body), let whole = Range(found.range, in: body)
                else { return nil }
                matchers.append((String(body[label]), body[op] == "=", Self.unescape(String(body[value]))))
                position = whole.upperBound
            }
            guard matchers.contains(where: { $0.equal && !$0.value.isEmpty }) else { return nil }
            let filter = try? NSRegularExpression(pattern: #"\|=\s*"((?:[^"\\]|\\.)*)""#)
            let text = String(query[filters])
            for found in filter?.matches(in: text, range: NSRange(text.startIndex..., in: text)) ?? [] {
                if let range = Range(found.range(at: 1), in: text) { contains.append(Self.unescape(String(text[range]))) }
            }
        }

        func matches(_ entry: Entry) -> Bool {
            matchers.allSatisfy { (entry.labels[$0.label] ?? "") == $0.value ? $0.equal : !$0.equal }
                && contains.allSatisfy { entry.line.contains($0) }
        }

        private static func unescape(_ text: String) -> String {
            text.replacingOccurrences(of: #"\""#, with: "\"").replacingOccurrences(of: #"\\"#, with: #"\"#)
        }
    }
}
