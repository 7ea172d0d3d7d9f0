import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Every panel query of the shipped Grafana dashboards is valid PromQL and returns data, run
/// against a real Prometheus (Debian's) that scraped the real `backstop serve` after it verified
/// one healthy and one corrupted backup, with real restores.
@Suite(.timeLimit(.minutes(5))) struct DashboardQueryTests {
    static let repository = ServeFixtures.repository

    @Test func everyPanelQueryOfEveryDashboardReturnsData() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let queries = try Self.dashboardQueries()
        try #require(queries.count > 40, "the dashboards hold \(queries.count) queries")

        let directory = try TemporaryDirectory()
        let fixtures = BackupFixtures(directory: directory)
        try fixtures.setModified(try await fixtures.archive("backups/orders-db-1.tar.gz"), to: Date())
        let broken = try await fixtures.archive("backups/users-db-1.tar.gz", rows: 2_000)
        let size = (try FileManager.default.attributesOfItem(atPath: broken)[.size] as? Int) ?? 0
        try await fixtures.truncate(broken, to: size / 2)
        try fixtures.setModified(broken, to: Date())
        let port = try FreePort.find()
        let config = try directory.write("backstop.yml", Self.configuration(port: port))
        let backstop = try BackstopProcess(arguments: ["serve", "--config", config, "--log-format", "text", "--log-level", "info"])
        defer { backstop.requestTermination(keepingUntilExit: directory) }
        // `serve` verifies the schedule's last closed window at start: the window series appear.
        #expect(await backstop.waitForLine(containing: "verification finished") != nil)
        let prometheus = try await LoopbackDaemon.prometheus(
            configuration: """
                global: { scrape_interval: 1s, evaluation_interval: 1s }
                scrape_configs:
                  - job_name: backstop
                    static_configs: [{ targets: ["127.0.0.1:\(port)"] }]
                """)
        defer { prometheus.stop() }
        // Prometheus scrapes on its own clock: wait (bounded) until it holds enough samples for
        // `increase(…[1m])`, which needs two.
        try await Self.waitUntil("Prometheus has scraped Backstop three times", prometheus: prometheus) {
            try await Self.query("count_over_time(backstop_build_info[1m]) >= 3", on: prometheus).isEmpty == false
        }

        var failures: [String] = []
        for (dashboard, expression) in queries {
            let query = Self.substitute(expression)
            do {
                if try await Self.query(query, on: prometheus).isEmpty {
                    failures.append("\(dashboard): no data: \(query)")
                }
            } catch {
                failures.append("\(dashboard): \(error): \(query)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(queries.count) queries failed:\n\(failures.joined(separator: "\n"))")
    }

    /// Every `targets[].expr` of every panel (rows' nested panels too), by dashboard file.
    static func dashboardQueries() throws -> [(String, String)] {
        let folder = repository.appendingPathComponent("grafana/dashboards")
        var queries: [(String, String)] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where file.hasSuffix(".json") {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(file)))
            func walk(_ panels: [[String: Any]]) {
                for panel in panels {
                    for target in panel["targets"] as? [[String: Any]] ?? [] {
                        if let expr = target["expr"] as? String, !expr.isEmpty { queries.append((file, expr)) }
                    }
                    walk(panel["panels"] as? [[String: Any]] ?? [])
                }
            }
            walk((json as? [String: Any])?["panels"] as? [[String: Any]] ?? [])
        }
        return queries
    }

    /// Grafana's variables as grafana/README.md says the dashboards use them.
    static func substitute(_ expression: String) -> String {
        var text = expression
        for (variable, value) in [
            ("${asset}", "orders-db"), ("$asset", "orders-db"), ("${schedule}", ".*"), ("$schedule", ".*"),
            ("$__rate_interval", "1m"), ("$__interval", "1m"), ("$__range", "1m"), ("$job", ".*"), ("$instance", ".*"),
        ] {
            text = text.replacingOccurrences(of: variable, with: value)
        }
        return text
    }

    /// An instant query's result vector; throws with Prometheus' error for invalid PromQL.
    static func query(_ promQL: String, on prometheus: LoopbackDaemon) async throws -> [JSONValue] {
        let encoded = promQL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promQL
        let answer = try await FakeHTTPRequests.send(
            .POST, "\(prometheus.url)/api/v1/query", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Data("query=\(encoded)".utf8))
        guard answer.status == 200, let json = answer.json, json["status"]?.string == "success" else {
            throw QueryFailure("Prometheus answered \(answer.status): \(answer.text)")
        }
        if case .array(let result) = json["data"]?["result"] { return result }
        // Scalars and strings are data too.
        return json["data"]?["result"].map { [$0] } ?? []
    }

    static func waitUntil(
        _ what: String, prometheus: LoopbackDaemon, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while try await !condition() {
            guard clock.now < deadline else { throw QueryFailure("gave up waiting until \(what)") }
            try await clock.sleep(for: .milliseconds(200))
        }
    }

    static func configuration(port: Int) -> String {
        """
        \(ServeFixtures.preamble(port: port))
        assets:
          - name: orders-db
            schedule: daily
            backup: { path: backups/orders-db-*.tar.gz }
            \(ServeFixtures.tarRestore)
          - name: users-db
            schedule: daily
            backup: { path: backups/users-db-*.tar.gz }
            \(ServeFixtures.tarRestore)
        """
    }
}

struct QueryFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
