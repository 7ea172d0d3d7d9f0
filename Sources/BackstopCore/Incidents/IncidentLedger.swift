import Foundation

/// The incident lifecycle as pure decisions: given what the ledger holds and what just
/// happened, which incidents change and which messages go out. The store applies a
/// ``LedgerChange`` atomically; the tracker is never searched to decide.
package struct IncidentLedger: Sendable {
    package var policy: IncidentPolicy
    /// Makes new incident ids (injected so tests are deterministic).
    package var makeID: @Sendable (Date) -> String

    package init(policy: IncidentPolicy, makeID: @escaping @Sendable (Date) -> String = { RecordID.make(prefix: "inc", at: $0) }) {
        self.policy = policy
        self.makeID = makeID
    }

    /// A failure that was not recovered: open, update or reopen the incident of its dedup key.
    /// `recurrence` says whether an update of an open incident is commented on (``AlertJoinComments``).
    package func record(
        _ failure: TriagedFailure, latest: Incident?, now: Date, recurrence: RecurrenceComment = .comment(note: nil)
    ) -> LedgerChange {
        let key = policy.dedupKey(asset: failure.asset, cause: failure.cause, schedule: failure.schedule)
        var change = LedgerChange()
        // This run was already folded in (a triage repeated after a crash).
        if let latest, latest.lastRunID == failure.runID { return change }
        if var incident = latest, incident.state == .open {
            incident.occurrences += 1
            incident.updatedAt = now
            incident.lastRunID = failure.runID
            change.incidents.append(incident)
            change.events.append(IncidentEvent(incidentID: incident.id, at: now, kind: .updated, text: "recurred in \(failure.runID)"))
            change.reports.append(snapshot(failure, incidentID: incident.id, now: now))
            if case .comment(let note) = recurrence {
                var comment = Self.recurrenceComment(
                    failure, occurrences: incident.occurrences, reportURL: policy.reportURL(incident: incident.id))
                if let note { comment += "\n\n" + note }
                change.messages += messages(for: incident, action: .update, failure: failure, markdown: comment, now: now)
            }
            return change
        }
        if var incident = latest, incident.state == .resolved, let resolvedAt = incident.resolvedAt,
            now.timeIntervalSince(resolvedAt) <= policy.reopenWithin.seconds
        {
            incident.state = .open
            incident.resolvedAt = nil
            incident.occurrences += 1
            incident.updatedAt = now
            incident.lastRunID = failure.runID
            incident.summary = Self.summary(failure, reportURL: policy.reportURL(incident: incident.id))
            let comment =
                "Reopened: the failure recurred \(ReadableText.duration(now.timeIntervalSince(resolvedAt))) after it was resolved.\n\n"
                + Self.recurrenceComment(failure, occurrences: incident.occurrences, reportURL: policy.reportURL(incident: incident.id))
            change.incidents.append(incident)
            change.events.append(IncidentEvent(incidentID: incident.id, at: now, kind: .reopened, text: "recurred in \(failure.runID)"))
            change.reports.append(snapshot(failure, incidentID: incident.id, now: now))
            change.messages += messages(for: incident, action: .reopen, failure: failure, markdown: comment, now: now)
            return change
        }
        let id = makeID(now)
        let reportURL = policy.reportURL(incident: id)
        let incident = Incident(
            id: id, dedupKey: key, asset: failure.asset, cause: failure.cause, schedule: failure.schedule, state: .open,
            title: "Backup of \(failure.asset) failed: \(failure.cause.rawValue)", summary: Self.summary(failure, reportURL: reportURL),
            openedAt: now, updatedAt: now, lastRunID: failure.runID)
        change.incidents.append(incident)
        change.events.append(
            IncidentEvent(incidentID: id, at: now, kind: .opened, text: "\(failure.cause.rawValue) in \(failure.runID)"))
        change.reports.append(snapshot(failure, incidentID: id, now: now))
        change.messages += messages(for: incident, action: .open, failure: failure, markdown: failure.reportMarkdown, now: now)
        return change
    }

    /// The asset verified healthy: resolve its open incidents (when configured to).
    /// `reason` replaces the "verified healthy" text when something else resolved it (an alert).
    package func resolve(_ open: [Incident], runID: String, now: Date, reason: String? = nil) -> LedgerChange {
        var change = LedgerChange()
        guard policy.autoResolve else { return change }
        for var incident in open where incident.state == .open {
            incident.state = .resolved
            incident.resolvedAt = now
            incident.updatedAt = now
            change.incidents.append(incident)
            let text =
                "Resolved: \(reason ?? "\(incident.asset) verified healthy in \(runID)"), \(ReadableText.duration(now.timeIntervalSince(incident.openedAt))) after the incident opened."
            change.events.append(IncidentEvent(incidentID: incident.id, at: now, kind: .resolved, text: text))
            let payload = OutboxPayload(
                title: incident.title, summary: text, markdown: text, dedupKey: incident.dedupKey, asset: incident.asset,
                cause: incident.cause, schedule: incident.schedule, reportURL: policy.reportURL(incident: incident.id), details: [:],
                occurredAt: now)
            for target in policy.targets {
                change.messages.append(
                    OutboxMessage(incidentID: incident.id, target: target, action: .resolve, payload: payload, createdAt: now))
            }
        }
        return change
    }

    /// The messages an action sends: the sink gets the full story, as far as its traits take it;
    /// the pager gets a page on open and reopen, and a resolve; recurrences do not page again.
    private func messages(
        for incident: Incident, action: OutboxAction, failure: TriagedFailure, markdown: String, now: Date
    ) -> [OutboxMessage] {
        let payload = OutboxPayload(
            title: incident.title, summary: incident.summary, markdown: markdown, dedupKey: incident.dedupKey, asset: incident.asset,
            cause: incident.cause, schedule: incident.schedule, reportURL: policy.reportURL(incident: incident.id),
            details: [
                "asset": failure.asset, "cause": failure.cause.rawValue, "schedule": failure.schedule, "run": failure.runID,
                "failing_since": failure.failingSince.formatted(.iso8601), "occurrences": String(incident.occurrences),
                "evidence": failure.evidence.first ?? "", "attempted": failure.attempted.joined(separator: "; "),
                "log_excerpt": failure.logExcerpt.joined(separator: "\n"),
            ],
            occurredAt: now)
        var messages: [OutboxMessage] = []
        if let sink = policy.sink {
            let traits = policy.traits(of: sink)
            let sinkAction: OutboxAction = action == .reopen && !traits.reopens ? .open : action
            if action != .update || traits.takesUpdates {
                messages.append(OutboxMessage(incidentID: incident.id, target: sink, action: sinkAction, payload: payload, createdAt: now))
            }
        }
        if let page = policy.page, page != policy.sink, action == .open || action == .reopen {
            messages.append(OutboxMessage(incidentID: incident.id, target: page, action: .page, payload: payload, createdAt: now))
        }
        return messages
    }

    private func snapshot(_ failure: TriagedFailure, incidentID: String, now: Date) -> IncidentReportSnapshot {
        IncidentReportSnapshot(
            incidentID: incidentID, runID: failure.runID, createdAt: now, markdown: failure.reportMarkdown, json: failure.reportJSON)
    }

    /// The page: what failed, the cause, since when, what was tried, and the link.
    package static func summary(_ failure: TriagedFailure, reportURL: String?) -> String {
        var text = "Backup of \(failure.asset) (schedule \(failure.schedule)) failed: \(failure.cause.rawValue)"
        if let evidence = failure.evidence.first { text += " — \(evidence)" }
        text += ". Failing since \(failure.failingSince.formatted(.iso8601))."
        text += failure.attempted.isEmpty ? " Nothing was tried automatically." : " Tried: \(failure.attempted.joined(separator: "; "))."
        if let reportURL { text += " Report: \(reportURL)" }
        return String(text.prefix(1_000))
    }

    private static func recurrenceComment(_ failure: TriagedFailure, occurrences: Int, reportURL: String?) -> String {
        var lines = ["Failed again in run \(failure.runID) (occurrence \(occurrences)): \(failure.cause.rawValue)."]
        lines += failure.evidence.prefix(3).map { "> \($0)" }
        if !failure.attempted.isEmpty { lines.append("Tried: \(failure.attempted.joined(separator: "; ")).") }
        if !failure.logExcerpt.isEmpty {
            lines.append("Logs around the failure:")
            lines += failure.logExcerpt.prefix(5).map { "    \($0)" }
        }
        if let reportURL { lines.append("Report: \(reportURL)") }
        return lines.joined(separator: "\n")
    }
}
