import AsyncHTTPClient
import BackstopCore
import Foundation
import NIOCore
import NIOHTTP1

/// Reads services' logs from Grafana Loki through `GET /loki/api/v1/query_range`.
///
/// The query is a LogQL selector template (`{service="{service}"}`). Lines are fetched newest
/// first and paged at `pageSize`, so the excerpt holds the lines nearest the failure; Loki's
/// `end` is exclusive, and entries sharing the boundary nanosecond of two pages are de-duplicated.
package struct LokiLogSource: LogSource {
    package var client: HTTPClient
    /// Loki's base URL, e.g. `http://loki:3100`.
    package var baseURL: String
    package var queryTemplate: String
    /// Sent as `X-Scope-OrgID` for multi-tenant Loki.
    package var tenant: String?
    package var credentials: HTTPCredentials?
    package var pageSize: Int
    package var requestTimeout: Duration
    /// Larger bodies are refused rather than buffered without bound.
    package var maxBodyBytes = 32 << 20

    package init(
        client: HTTPClient, baseURL: String, queryTemplate: String, tenant: String? = nil, credentials: HTTPCredentials? = nil,
        pageSize: Int = 1_000, requestTimeout: Duration = .seconds(10)
    ) {
        self.client = client
        self.baseURL = baseURL.trimmingSuffix("/")
        self.queryTemplate = queryTemplate
        self.tenant = tenant
        self.credentials = credentials
        self.pageSize = pageSize
        self.requestTimeout = requestTimeout
    }

    package var name: String { "loki \(baseURL)" }

    /// The LogQL query for `service`: the name is escaped as a LogQL string literal.
    package func query(for service: String) -> String {
        let escaped = service.replacingOccurrences(of: #"\"#, with: #"\\"#).replacingOccurrences(of: #"""#, with: #"\""#)
        return queryTemplate.replacingOccurrences(of: "{service}", with: escaped)
    }

    package func lines(of service: String, from start: Date, to end: Date, limit: Int) async throws(LogSourceError) -> [LogLine] {
        let query = query(for: service)
        let startNanoseconds = Self.nanoseconds(start)
        // `end` is exclusive in Loki; ours is inclusive.
        var endNanoseconds = Self.nanoseconds(end) + 1
        var collected: [LogLine] = []
        var boundary = Set<BoundaryKey>()
        let parser = LogLineParser(timeZone: TimeZone(identifier: "UTC") ?? .current, year: Calendar.current.component(.year, from: end))
        while collected.count < limit, endNanoseconds > startNanoseconds {
            // Entries already taken at the boundary instant come back first; ask for that many more.
            let pageLimit = min(pageSize, limit - collected.count) + boundary.count
            let entries = try await page(query: query, start: startNanoseconds, end: endNanoseconds, limit: pageLimit)
            var fresh = 0
            for entry in entries where !boundary.contains(entry.key) {
                fresh += 1
                let parsed = parser.parse(entry.line)
                collected.append(
                    LogLine(
                        timestamp: Date(timeIntervalSince1970: Double(entry.nanoseconds) / 1_000_000_000), service: service, source: "loki",
                        text: entry.line, level: entry.level ?? parsed.level))
            }
            guard entries.count == pageLimit, fresh > 0, let oldest = entries.last?.nanoseconds else { break }
            // The next page ends at the oldest timestamp seen (inclusive), skipping what we have.
            let atOldest = entries.filter { $0.nanoseconds == oldest }.map(\.key)
            boundary = oldest + 1 == endNanoseconds ? boundary.union(atOldest) : Set(atOldest)
            endNanoseconds = oldest + 1
        }
        return Array(collected.prefix(limit).reversed())
    }

    private struct BoundaryKey: Hashable {
        var nanoseconds: Int64
        var labels: [String: String]
        var line: String
    }

    private struct PageEntry {
        var nanoseconds: Int64
        var line: String
        var labels: [String: String]
        var level: String?
        var key: BoundaryKey { BoundaryKey(nanoseconds: nanoseconds, labels: labels, line: line) }
    }

    /// One `query_range` request, newest first.
    private func page(query: String, start: Int64, end: Int64, limit: Int) async throws(LogSourceError) -> [PageEntry] {
        var components = URLComponents(string: baseURL + "/loki/api/v1/query_range")
        components?.queryItems = [
            URLQueryItem(name: "query", value: query), URLQueryItem(name: "start", value: String(start)),
            URLQueryItem(name: "end", value: String(end)), URLQueryItem(name: "limit", value: String(limit)),
            URLQueryItem(name: "direction", value: "backward"),
        ]
        // URLComponents leaves '+' alone, which a server reads as a space.
        let encoded = components?.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        components?.percentEncodedQuery = encoded
        guard let url = components?.string else { throw LogSourceError("\(name): '\(baseURL)' is not a valid URL") }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        if let tenant { request.headers.add(name: "X-Scope-OrgID", value: tenant) }
        if let credentials {
            guard credentials.isAvailable else {
                throw LogSourceError("\(name): its credentials could not be read by this user; run the command as Backstop's user")
            }
            request.headers.add(name: "Authorization", value: credentials.authorizationHeader)
        }
        let body: ByteBuffer
        let status: HTTPResponseStatus
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(requestTimeout.seconds * 1_000_000_000)))
            status = response.status
            body = try await response.body.collect(upTo: maxBodyBytes)
        } catch {
            throw LogSourceError("\(name): \(Self.describe(error))")
        }
        guard status == .ok else {
            let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
            throw LogSourceError(
                "\(name): HTTP \(status.code) \(status.reasonPhrase): \(text.prefix(300))\(Self.hint(for: status, body: text))")
        }
        let decoded: LokiQueryRangeResponse
        do {
            decoded = try JSONDecoder().decode(LokiQueryRangeResponse.self, from: Data(buffer: body))
        } catch let error as DecodingError {
            throw LogSourceError("\(name): unexpected query_range answer: \(error.readableDescription)")
        } catch {
            throw LogSourceError("\(name): unexpected query_range answer: \(error)")
        }
        guard decoded.data.resultType == "streams" else {
            throw LogSourceError("\(name): the query '\(query)' is a metric query (\(decoded.data.resultType)); use a log selector")
        }
        return decoded.data.result.flatMap { stream in
            stream.values.map {
                PageEntry(
                    nanoseconds: $0.nanoseconds, line: $0.line, labels: stream.stream,
                    level: stream.stream["level"] ?? stream.stream["detected_level"] ?? stream.stream["severity"])
            }
        }.sorted { $0.nanoseconds > $1.nanoseconds }
    }

    private static func hint(for status: HTTPResponseStatus, body: String) -> String {
        switch status.code {
        case 401, 403:
            body.localizedCaseInsensitiveContains("org id")
                ? " (set the source's tenant: Loki runs multi-tenant)" : " (check the source's credentials)"
        case 400: " (check the source's query template)"
        default: ""
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "no answer within the timeout"
            default: return "\(error)"
            }
        }
        if error is NIOTooManyBytesError { return "the answer is larger than the body limit; narrow the query" }
        return "\(error)"
    }

    private static func nanoseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000_000).rounded(.down))
    }
}
