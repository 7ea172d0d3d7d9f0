import BackstopCore
import Foundation

extension BackstopMetrics: LedgerChangeConsumer {
    /// Folds a committed ledger change into the incident metrics: they follow the incident
    /// desk's decisions as values, without reading the store back (it is read once, at start).
    package func consume(_ change: LedgerChange) async {
        let causes = Dictionary(change.incidents.map { ($0.id, $0.cause.rawValue) }, uniquingKeysWith: { _, last in last })
        state.withLock { state in
            state.incidents.apply(change, causes: causes, now: Date())
            rerenderIncidents(&state)
        }
    }

    /// The outbox as delivery left it after a pass.
    package func loadOutbox(_ status: OutboxStatus) {
        state.withLock { state in
            state.incidents.outbox = status
            rerenderIncidents(&state)
        }
    }
}

extension IncidentCounts {
    /// What one change adds, as the start-up queries would count it: openings by cause, open
    /// incidents, resolution times (from the latest opening or reopening), retries, and the
    /// messages queued.
    mutating func apply(_ change: LedgerChange, causes: [String: String], now: Date) {
        for event in change.events {
            switch event.kind {
            case .opened:
                opened[causes[event.incidentID] ?? FailureCause.unknown.rawValue, default: 0] += 1
                open += 1
                openSince[event.incidentID] = event.at
            case .reopened:
                open += 1
                openSince[event.incidentID] = event.at
            case .resolved:
                open = max(0, open - 1)
                if let since = openSince.removeValue(forKey: event.incidentID) {
                    let seconds = event.at.timeIntervalSince(since)
                    resolutions.record(max(0, seconds))
                    observedResolutions.insert(Self.resolutionKey(event.incidentID, at: event.at.timeIntervalSince1970))
                    recentResolutions.append((at: event.at, seconds: seconds))
                }
            default:
                break
            }
        }
        for attempt in change.recoveryAttempts {
            recoveryAttempts[.init(cause: attempt.cause.rawValue, result: attempt.result.rawValue), default: 0] += 1
        }
        if !change.messages.isEmpty {
            if outbox.pending == 0 { outbox.oldestPendingAge = 0 }
            outbox.pending += change.messages.count
        }
        let monthAgo = now.addingTimeInterval(-30 * 86_400)
        recentResolutions.removeAll { $0.at < monthAgo }
        if !recentResolutions.isEmpty {
            meanTimeToResolve = recentResolutions.map(\.seconds).reduce(0, +) / Double(recentResolutions.count)
        }
    }
}

extension IncidentCounts {
    /// Identifies one resolution, as the desk's change and the record both tell it.
    static func resolutionKey(_ incidentID: String, at: Double) -> String { "\(incidentID)@\(at)" }
}
