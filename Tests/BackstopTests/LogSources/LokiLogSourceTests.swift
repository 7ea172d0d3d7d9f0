import AsyncHTTPClient
import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

@Suite struct LokiLogSourceTests {
    /// 2026-11-22T02:00:00Z in nanoseconds.
    static let base: Int64 = 1_795_312_800_000_000_000
    static let second: Int64 = 1_000_000_000

    static func date(_ nanoseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(nanoseconds) / 1e9) }

    func source(_ url: String, tenant: String? = "team-a", credentials: HTTPCredentials? = nil, pageSize: Int = 1_000) -> LokiLogSource {
        LokiLogSource(
            client: .shared, baseURL: url, queryTemplate: #"{service="{service}"}"#, tenant: tenant, credentials: credentials,
            pageSize: pageSize)
    }

    @Test func pagesThroughEveryLineOfTheWindowOnceOldestFirst() async throws {
        let loki = FakeLoki()
        // 2,500 lines one second apart from two streams of the service, plus another service.
        for index in 0..<2_500 {
            let stream = ["service": "orders-api", "pod": index.isMultiple(of: 2) ? "a" : "b"]
            loki.push(.init(labels: stream, nanoseconds: Self.base + Int64(index) * Self.second, line: "line \(index)"), tenant: "team-a")
        }
        loki.push(.init(labels: ["service": "billing"], nanoseconds: Self.base + 5 * Self.second, line: "not ours"), tenant: "team-a")
        let lines = try await loki.run { url in
            try await source(url).lines(
                of: "orders-api", from: Self.date(Self.base), to: Self.date(Self.base + 2_499 * Self.second), limit: 10_000)
        }
        #expect(lines.count == 2_500)
        #expect(lines.map(\.text) == (0..<2_500).map { "line \($0)" })
        #expect(lines.allSatisfy { $0.service == "orders-api" && $0.source == "loki" })
        let requests = loki.requests
        #expect(requests.count == 3, "1000 + 1000 + 500")
        // A follow-up page asks for one more: the entry at the boundary instant comes back again.
        #expect(requests.allSatisfy { $0.tenant == "team-a" && $0.limit <= 1_000 + 1 && $0.query == #"{service="orders-api"}"# })
        #expect(requests.first?.end == Self.base + 2_499 * Self.second + 1, "Loki's end is exclusive")
    }

    @Test func linesSharingTheBoundaryNanosecondAreNeitherLostNorRepeated() async throws {
        let loki = FakeLoki()
        for index in 0..<7 {
            loki.push(
                .init(labels: ["service": "db"], nanoseconds: Self.base + Self.second, line: "same instant \(index)"), tenant: "team-a")
        }
        loki.push(.init(labels: ["service": "db"], nanoseconds: Self.base, line: "earlier"), tenant: "team-a")
        let lines = try await loki.run { url in
            try await source(url, pageSize: 3).lines(
                of: "db", from: Self.date(Self.base), to: Self.date(Self.base + 2 * Self.second), limit: 100)
        }
        #expect(lines.count == 8)
        #expect(Set(lines.map(\.text)).count == 8)
        #expect(lines.first?.text == "earlier")
    }

    @Test func aLimitKeepsTheLinesNearestTheFailure() async throws {
        let loki = FakeLoki()
        for index in 0..<50 {
            loki.push(
                .init(labels: ["service": "db"], nanoseconds: Self.base + Int64(index) * Self.second, line: "\(index)"), tenant: "team-a")
        }
        let lines = try await loki.run { url in
            try await source(url, pageSize: 4).lines(
                of: "db", from: Self.date(Self.base), to: Self.date(Self.base + 60 * Self.second), limit: 10)
        }
        #expect(lines.map(\.text) == (40..<50).map(String.init))
        #expect(lines.first?.timestamp == Self.date(Self.base + 40 * Self.second))
    }

    @Test func levelsComeFromStreamLabelsOrTheLineItself() async throws {
        let loki = FakeLoki()
        loki.push(.init(labels: ["service": "db", "level": "error"], nanoseconds: Self.base, line: "disk is full"), tenant: "team-a")
        loki.push(
            .init(labels: ["service": "db"], nanoseconds: Self.base + 1, line: #"{"level":"warn","msg":"slow query"}"#), tenant: "team-a")
        let lines = try await loki.run { url in
            try await source(url).lines(of: "db", from: Self.date(Self.base), to: Self.date(Self.base + Self.second), limit: 10)
        }
        #expect(lines.map(\.level) == ["error", "warn"])
    }

    @Test func aMissingTenantOrWrongCredentialsAreNamedInTheError() async throws {
        let loki = FakeLoki(authorization: HTTPCredentials.basic(username: "backstop", password: Secret("s3cret")).authorizationHeader)
        loki.push(.init(labels: ["service": "db"], nanoseconds: Self.base, line: "hello"), tenant: "team-a")
        let window = (Self.date(Self.base), Self.date(Self.base + Self.second))
        try await loki.run { url in
            let good = HTTPCredentials.basic(username: "backstop", password: Secret("s3cret"))
            let lines = try await source(url, credentials: good).lines(of: "db", from: window.0, to: window.1, limit: 10)
            #expect(lines.map(\.text) == ["hello"])

            let noTenant = await #expect(throws: LogSourceError.self) {
                try await source(url, tenant: nil, credentials: good).lines(of: "db", from: window.0, to: window.1, limit: 10)
            }
            #expect(noTenant?.message.contains("HTTP 401") == true)
            #expect(noTenant?.message.contains("set the source's tenant") == true)

            let wrong = HTTPCredentials.bearer(Secret("not-the-token"))
            let unauthorized = await #expect(throws: LogSourceError.self) {
                try await source(url, credentials: wrong).lines(of: "db", from: window.0, to: window.1, limit: 10)
            }
            #expect(unauthorized?.message.contains("check the source's credentials") == true)
            #expect(unauthorized?.message.contains("not-the-token") == false, "secrets never appear in errors")
        }
    }

    @Test func anUnreachableLokiFailsTheSourceNotTheCaller() async throws {
        let port = try FreePort.find()
        let error = await #expect(throws: LogSourceError.self) {
            var source = source("http://127.0.0.1:\(port)")
            source.requestTimeout = .milliseconds(300)
            return try await source.lines(
                of: "db", from: Self.date(Self.base), to: Self.date(Self.base + Self.second), limit: 10)
        }
        #expect(error?.message.hasPrefix("loki http://127.0.0.1:\(port):") == true)
    }

    @Test func serviceNamesAreEscapedInTheSelector() {
        let source = source("http://loki:3100")
        #expect(source.query(for: #"we"ird\name"#) == #"{service="we\"ird\\name"}"#)
    }
}
