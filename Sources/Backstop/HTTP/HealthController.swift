import BackstopCore
import Foundation
import Hummingbird
import Logging

/// Liveness (`/-/healthy`), readiness (`/-/ready`) and per-subsystem health (`/debug/healthz`),
/// following Prometheus' own endpoints.
struct HealthController {
    let record: SQLiteRunStore
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

    private func healthReport() async -> [String: Subsystem] {
        var report: [String: Subsystem] = [:]
        do {
            let runs = try await record.recentRuns(limit: 1)
            let last = runs.first.map { "last run \($0.id) \($0.status.rawValue) at \(RFC3339.format($0.finishedAt))" } ?? "no runs yet"
            report["store"] = Subsystem(status: "ok", detail: "\(record.path): \(last)")
        } catch {
            report["store"] = Subsystem(status: "error", detail: "\(error)")
        }
        let now = clock.now
        let next = schedules.values.compactMap { schedule in
            schedule.nextClosingWindow(after: now).map { "\(schedule.name) at \(RFC3339.format($0.closesAt))" }
        }.sorted()
        report["scheduler"] = Subsystem(
            status: "ok", detail: next.isEmpty ? "no schedules" : "next windows close: " + next.joined(separator: ", "))
        return report
    }
}
