import BackstopCore
import Foundation
import GRDB

/// The record rows a value is written as, in each table's hashing order (``RecordSchema``).
/// SQLite and PostgreSQL append the same rows, so a record hashes the same on both.
enum RecordRows {
    typealias Values = [any DatabaseValueConvertible & Sendable]

    /// A run and everything in it, in the order the rows are appended.
    static func rows(of run: VerificationRun) -> [(table: String, values: Values)] {
        var rows: [(table: String, values: Values)] = [
            (
                "runs",
                [
                    run.id, run.trigger.kind, run.trigger.detail, run.startedAt.timeIntervalSince1970,
                    run.finishedAt.timeIntervalSince1970, run.status.rawValue,
                ]
            )
        ]
        for outcome in run.outcomes {
            rows.append(("outcomes", OutcomeRow.values(outcome, runID: run.id)))
            if let diagnosis = outcome.diagnosis {
                rows.append(("diagnoses", OutcomeRow.values(diagnosis, runID: run.id, asset: outcome.asset)))
            }
            for (position, check) in outcome.checks.enumerated() {
                rows.append(
                    (
                        "checks",
                        [
                            run.id, outcome.asset, position, check.kind.rawValue, check.status.rawValue, check.evidence.message,
                            check.evidence.expected, check.evidence.actual, check.evidence.excerpt,
                        ]
                    ))
            }
        }
        for test in run.restoreTests {
            rows.append(
                (
                    "restore_tests",
                    [
                        run.id, test.asset, test.artifactPath, test.startedAt.timeIntervalSince1970, test.durationSeconds,
                        test.status.rawValue, test.evidence.message, test.evidence.expected, test.evidence.actual,
                        test.evidence.excerpt,
                    ]
                ))
        }
        return rows
    }

    static func values(_ event: CompletionEvent) -> Values {
        let json = String(decoding: (try? JSONEncoder.record.encode(event.report)) ?? Data("{}".utf8), as: UTF8.self)
        return [event.id, event.asset, event.receivedAt.timeIntervalSince1970, json]
    }

    static func values(_ event: IncidentEvent) -> Values {
        [event.incidentID, event.at.timeIntervalSince1970, event.kind.rawValue, event.text]
    }

    static func values(_ report: IncidentReportSnapshot) -> Values {
        [report.incidentID, report.runID, report.createdAt.timeIntervalSince1970, report.markdown, report.json]
    }

    static func values(_ attempt: RecoveryAttempt) -> Values {
        [
            attempt.runID, attempt.asset, attempt.schedule, attempt.cause.rawValue, attempt.attempt,
            attempt.startedAt.timeIntervalSince1970, attempt.finishedAt.timeIntervalSince1970, attempt.result.rawValue,
            attempt.detail, attempt.windowStart?.timeIntervalSince1970,
        ]
    }

    static func values(_ transition: AlertTransition, at: Date) -> Values {
        [
            transition.key.fingerprint, transition.key.startsAtMilliseconds, transition.key.status.rawValue,
            transition.action.rawValue, transition.notificationID, transition.alertName, transition.asset, transition.incidentID,
            at.timeIntervalSince1970,
        ]
    }

    /// Times as numbers, not RFC 3339 seconds: the alert keys need their milliseconds back.
    static func values(_ encoded: EncodedNotification) -> Values {
        let notification = encoded.notification
        return [
            notification.id, notification.receivedAt.timeIntervalSince1970, notification.receiver, notification.status.rawValue,
            notification.groupKey, notification.dedupKey, encoded.json,
        ]
    }

    static func event(id: String, asset: String, receivedAt: Double, json: String) -> CompletionEvent? {
        guard let report = try? JSONDecoder.record.decode(ToolReport.self, from: Data(json.utf8)) else { return nil }
        return CompletionEvent(id: id, asset: asset, receivedAt: Date(timeIntervalSince1970: receivedAt), report: report)
    }
}
