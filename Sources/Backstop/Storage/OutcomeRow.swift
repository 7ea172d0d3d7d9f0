import BackstopCore
import Foundation
import GRDB

/// Maps a ``VerificationOutcome`` to and from its `outcomes` row (checks live in `checks`).
enum OutcomeRow {
    static func values(_ outcome: VerificationOutcome, runID: String) -> [any DatabaseValueConvertible & Sendable] {
        [
            runID, outcome.asset, outcome.schedule, outcome.window?.start.timeIntervalSince1970, outcome.window?.end.timeIntervalSince1970,
            outcome.window?.closesAt.timeIntervalSince1970, outcome.state.rawValue, outcome.artifact?.path, outcome.artifact?.sizeBytes,
            outcome.artifact?.modifiedAt.timeIntervalSince1970, outcome.producedAt?.timeIntervalSince1970, outcome.late ? 1 : 0,
            outcome.bytesHashed, outcome.verifiedAt.timeIntervalSince1970, outcome.cause?.rawValue,
        ]
    }

    static func outcome(_ row: Row, checks: [CheckResult]) -> VerificationOutcome {
        let date = { (column: String) -> Date? in (row[column] as Double?).map(Date.init(timeIntervalSince1970:)) }
        var window: BackupWindow?
        if let start = date("window_start"), let end = date("window_end"), let closes = date("window_closes_at") {
            window = BackupWindow(schedule: row["schedule"], start: start, end: end, closesAt: closes)
        }
        var artifact: Artifact?
        if let path: String = row["artifact_path"], let size: Int64 = row["artifact_size"], let modified = date("artifact_mtime") {
            artifact = Artifact(path: path, sizeBytes: size, modifiedAt: modified)
        }
        return VerificationOutcome(
            asset: row["asset"], schedule: row["schedule"], window: window, artifact: artifact, checks: checks,
            producedAt: date("produced_at"), late: (row["late"] as Int) != 0, bytesHashed: row["bytes_hashed"],
            verifiedAt: date("verified_at") ?? Date(timeIntervalSince1970: 0))
    }

    static func values(_ diagnosis: Diagnosis, runID: String, asset: String) -> [any DatabaseValueConvertible & Sendable] {
        let evidence = (try? JSONEncoder.record.encode(diagnosis.evidence)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return [runID, asset, diagnosis.cause.rawValue, diagnosis.confidence, diagnosis.rule, evidence]
    }
}

/// Loads a whole run back from its rows.
enum RunRow {
    static func trigger(_ row: Row) -> RunTrigger {
        RunTrigger(kind: row["trigger_kind"], detail: row["trigger_detail"]) ?? .manual
    }

    static func check(_ row: Row) -> CheckResult? {
        guard let kind = CheckKind(rawValue: row["kind"]), let status = CheckStatus(rawValue: row["status"]) else { return nil }
        return CheckResult(
            kind, status, Evidence(row["message"], expected: row["expected"], actual: row["actual"], excerpt: row["excerpt"]))
    }

    /// The run's diagnoses by asset; with `asset`, only that asset's (one of a run's thousands,
    /// for a single outcome: an asset page must not decode the whole run's).
    static func diagnoses(_ db: Database, runID: String, asset: String? = nil) throws -> [String: Diagnosis] {
        var result: [String: Diagnosis] = [:]
        let rows =
            if let asset {
                try Row.fetchAll(db, sql: "SELECT * FROM diagnoses WHERE run_id = ? AND asset = ? ORDER BY seq", arguments: [runID, asset])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM diagnoses WHERE run_id = ? ORDER BY seq", arguments: [runID])
            }
        for row in rows {
            let json: String = row["evidence_json"]
            let evidence = (try? JSONDecoder.record.decode([String].self, from: Data(json.utf8))) ?? []
            result[row["asset"]] = Diagnosis(
                cause: FailureCause(rawValue: row["cause"]) ?? .unknown, confidence: row["confidence"], evidence: evidence,
                rule: row["rule"])
        }
        return result
    }

    static func load(_ db: Database, id: String) throws -> VerificationRun? {
        guard let run = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else { return nil }
        var checksByAsset: [String: [CheckResult]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM checks WHERE run_id = ? ORDER BY seq", arguments: [id]) {
            guard let check = check(row) else { continue }
            checksByAsset[row["asset"], default: []].append(check)
        }
        let diagnoses = try diagnoses(db, runID: id)
        let outcomes = try Row.fetchAll(db, sql: "SELECT * FROM outcomes WHERE run_id = ? ORDER BY seq", arguments: [id]).map { row in
            var outcome = OutcomeRow.outcome(row, checks: checksByAsset[row["asset"]] ?? [])
            outcome.diagnosis = diagnoses[outcome.asset]
            return outcome
        }
        let tests = try Row.fetchAll(db, sql: "SELECT * FROM restore_tests WHERE run_id = ? ORDER BY seq", arguments: [id]).map { row in
            RestoreOutcome(
                asset: row["asset"], artifactPath: row["artifact_path"], startedAt: Date(timeIntervalSince1970: row["started_at"]),
                durationSeconds: row["duration_seconds"], status: RestoreOutcome.Status(rawValue: row["status"]) ?? .failed,
                evidence: Evidence(row["message"], expected: row["expected"], actual: row["actual"], excerpt: row["excerpt"]))
        }
        return VerificationRun(
            id: id, trigger: trigger(run), startedAt: Date(timeIntervalSince1970: run["started_at"]),
            finishedAt: Date(timeIntervalSince1970: run["finished_at"]), status: VerificationRun.Status(rawValue: run["status"]) ?? .failed,
            outcomes: outcomes, restoreTests: tests)
    }
}
