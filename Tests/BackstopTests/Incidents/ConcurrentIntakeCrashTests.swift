import AsyncHTTPClient
import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import NIOCore
import Synchronization
import Testing

/// Notifications written together (one transaction for all requests in flight) are each durable
/// before their 200: kill -9 the real process the moment the Nth concurrent request is answered,
/// and every answered one is in the record after the restart, once.
@Suite(.timeLimit(.minutes(5))) struct ConcurrentIntakeCrashTests {
    static let senders = 32
    static let acknowledgementsBeforeTheKill = 400

    @Test func everyNotificationAnsweredBeforeAKillIsInTheRecordOnceAfterTheRestart() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: BackstopProcess.executable),
            "build the executable first: swift build --build-tests (scripts/test does)")
        let directory = try TemporaryDirectory()
        _ = try directory.write("webhook-token", WebhookCrashTests.token)
        let port = try FreePort.find()
        let config = try directory.write(
            "backstop.yml",
            """
            listen: 127.0.0.1:\(port)
            storage: { sqlite: ./data/backstop.db }
            schedules: { daily: { cron: "0 0 * * *", timezone: UTC, window: 1h, grace: 1m } }
            diagnosis: { probes: false }
            assets:
              - { name: orders-db, schedule: daily, backup: { path: backups/orders-*.tar.gz } }
            webhook: { bearer_token_file: ./webhook-token }
            """)
        let arguments = ["serve", "--config", config, "--log-format", "text", "--log-level", "info"]
        let first = try BackstopProcess(arguments: arguments)
        #expect(await first.waitForLine(containing: "Server started and listening") != nil)

        // Each answered id, and the body it answered, until the kill; requests in flight then fail.
        let load = Load()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<Self.senders {
                group.addTask {
                    while true {
                        let index = load.next.add(1, ordering: .relaxed).newValue
                        let body = WebhookCrashTests.notification(service: "svc-\(index)")
                        guard let answer = try? await Self.post(body, port: port), answer.status == 200,
                            let id = answer.json?["id"]?.string
                        else { return }
                        let reached = load.answered.withLock { answered in
                            answered[id] = body
                            return answered.count == Self.acknowledgementsBeforeTheKill
                        }
                        if reached { first.kill() }
                    }
                }
            }
        }
        let acknowledged = load.answered.withLock { $0 }
        #expect(acknowledged.count >= Self.acknowledgementsBeforeTheKill)

        let second = try BackstopProcess(arguments: arguments)
        defer { second.requestTermination(keepingUntilExit: directory) }
        #expect(await second.waitForLine(containing: "Server started and listening") != nil)
        let store = try SQLiteRunStore(path: directory.file("data/backstop.db"))
        let stored = try await store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, dedup_key FROM alert_notifications").map {
                ($0["id"] as String, $0["dedup_key"] as String)
            }
        }
        let storedIDs = Set(stored.map(\.0))
        let lost = acknowledged.keys.filter { !storedIDs.contains($0) }
        #expect(lost.isEmpty, "\(lost.count) of \(acknowledged.count) answered notifications are not in the record")
        #expect(Set(stored.map(\.1)).count == stored.count, "a notification is in the record twice")
        #expect(try await store.verifyChains().breaks.isEmpty)
        // Alertmanager's retry of an answered notification adds nothing after the restart either.
        // A new client: the shared one's pool backs off from the killed process's address.
        if let (_, body) = acknowledged.first {
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let again: (status: Int, json: JSONValue?)
            do {
                again = try await Self.post(body, port: port, client: client)
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
            #expect(again.status == 200 && again.json?["status"]?.string == "duplicate", "\(String(describing: again.json))")
        }
    }

    /// What the senders share: the next notification's number and what was answered.
    final class Load: Sendable {
        let next = Atomic<Int>(0)
        let answered = Mutex<[String: String]>([:])
    }

    static func post(_ body: String, port: Int, client: HTTPClient = .shared) async throws -> (status: Int, json: JSONValue?) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/alerts")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(WebhookCrashTests.token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(10))
        let answer = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), try? JSONValue.parse(Data(answer.readableBytesView)))
    }
}
