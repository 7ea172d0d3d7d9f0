import BackstopCore
import Foundation
import Hummingbird
import Logging

/// Liveness (`/-/healthy`), readiness (`/-/ready`) and per-subsystem health (`/debug/healthz`),
/// following Prometheus' own endpoints.
struct HealthController {
    let record: any RecordStore
    let schedules: [String: Schedule]
    let clock: any WallClock
    let logger: Logger

    struct Subsystem: Encodable {
        var status: String
        var detail: String
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/-/healthy") { _, _ in JSONResponse.text("Backstop is Healthy.\n") }
        router.get("/-/ready") { _, _ in
            // With a buffer, PostgreSQL being down does not stop the intake: ready while the
            // buffer takes writes (without asking PostgreSQL, whose pool may hold a read a minute).
            if let buffer, buffer.unreachableSince != nil {
                guard buffer.status.writable else {
                    return JSONResponse.text(
                        "Backstop is not ready: PostgreSQL is unreachable and the buffer cannot be written.\n", status: .serviceUnavailable)
                }
                return JSONResponse.text("Backstop is Ready (PostgreSQL is unreachable; writes go to the buffer).\n")
            }
            do {
                _ = try await record.recentRuns(limit: 1)
                return JSONResponse.text("Backstop is Ready.\n")
            } catch {
                logger.error("readiness check failed: the store cannot be read", metadata: ["error": "\(error)"])
                return JSONResponse.text("Backstop is not ready: the store cannot be read.\n", status: .serviceUnavailable)
            }
        }
        router.get("/debug/healthz") { _, _ in
            let report = await healthReport()
            let healthy = report.values.allSatisfy { $0.status == "ok" }
            return try JSONResponse.make(report, status: healthy ? .ok : .serviceUnavailable)
        }
    }

    private var buffer: StoreBuffer? { (record as? any BufferedStore)?.buffer }

    private func healthReport() async -> [String: Subsystem] {
        var report: [String: Subsystem] = [:]
        if let buffer { report["buffer"] = Self.bufferHealth(buffer.status, path: buffer.path) }
        if let status = buffer?.status, let since = status.unreachableSince {
            let start = status.schemaPending ? "; serve started without it: schema migrations and the start's reads wait for it" : ""
            report["store"] = Subsystem(status: "error", detail: "\(record.location): unreachable since \(RFC3339.format(since))\(start)")
        } else {
            await storeHealth(&report)
        }
        let now = clock.now
        let next = schedules.values.compactMap { schedule in
            schedule.nextClosingWindow(after: now).map { "\(schedule.name) at \(RFC3339.format($0.closesAt))" }
        }.sorted()
        report["scheduler"] = Subsystem(
            status: "ok", detail: next.isEmpty ? "no schedules" : "next windows close: " + next.joined(separator: ", "))
        return report
    }

    /// `ok` while the buffer can take writes (draining or not); `error` when its file cannot be
    /// written or PostgreSQL refused some of its items (kept in its `refused` table).
    private static func bufferHealth(_ status: StoreBuffer.Status, path: String) -> Subsystem {
        let state = status.unreachableSince != nil ? "buffering" : (status.depth > 0 ? "draining" : "idle")
        var detail = "\(path): \(state), depth \(status.depth), drained \(status.drained)"
        if status.refused > 0 { detail += ", \(status.refused) refused by PostgreSQL (see its refused table)" }
        if let error = status.journalError { detail += "; cannot be written: \(error)" }
        return Subsystem(status: status.writable && status.refused == 0 ? "ok" : "error", detail: detail)
    }

    private func storeHealth(_ report: inout [String: Subsystem]) async {
        do {
            let runs = try await record.recentRuns(limit: 1)
            let last = runs.first.map { "last run \($0.id) \($0.status.rawValue) at \(RFC3339.format($0.finishedAt))" } ?? "no runs yet"
            report["store"] = Subsystem(status: "ok", detail: "\(record.location): \(last)")
        } catch {
            report["store"] = Subsystem(status: "error", detail: "\(error)")
        }
    }
}
