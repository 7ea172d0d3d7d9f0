import Foundation

/// The ledger as the desk reads it while it holds its turn: the store, read once per question
/// (an asset's open incidents, a dedup key's latest incident, ...), with the changes decided
/// earlier in the same turn and not yet committed laid over it. A batch of a storm's
/// notifications is decided against it and committed in one transaction at the end, and each
/// decision sees what the ones before it decided, as it would had each been committed at once.
///
/// Reads are kept for the turn: nothing else decides while the desk holds it (the turn, and the
/// shared lock when replicas share the store), so what the store answered stays true but for
/// what the turn itself decided, which is laid over it here.
struct PendingLedger: Sendable {
    let store: any IncidentStore

    // What the store answered, by question.
    private var storedOpen: [String: [Incident]] = [:]
    private var storedLatest: [String: Incident?] = [:]
    private var storedIncidents: [String: Incident?] = [:]
    private var storedFiring: [String: [AlertTransition.Key]] = [:]
    private var storedTransitions: [AlertTransition.Key: AlertTransition?] = [:]

    // What the turn decided, in order.
    private var decided: [String: Incident] = [:]
    private var decidedOrder: [String] = []
    private var transitions: [AlertTransition] = []
    private var transitionsByKey: [AlertTransition.Key: AlertTransition] = [:]

    init(store: any IncidentStore) {
        self.store = store
    }

    /// Lays a decided change over the store for the decisions after it.
    mutating func record(_ change: LedgerChange) {
        for incident in change.incidents {
            if decided.updateValue(incident, forKey: incident.id) == nil { decidedOrder.append(incident.id) }
        }
        for transition in change.alertTransitions {
            transitions.append(transition)
            // The first one acted on wins, as the store's look-up finds the first row.
            if transitionsByKey[transition.key] == nil { transitionsByKey[transition.key] = transition }
        }
    }

    private func current(_ incident: Incident) -> Incident { decided[incident.id] ?? incident }

    /// As ``IncidentStore/openIncidents(asset:)``: oldest opening first.
    mutating func openIncidents(asset: String) async throws(StoreError) -> [Incident] {
        let stored: [Incident]
        if let known = storedOpen[asset] {
            stored = known
        } else {
            stored = try await store.openIncidents(asset: asset)
            storedOpen[asset] = stored
        }
        let storedIDs = Set(stored.map(\.id))
        // A decided incident of the asset the store did not list as open (new, or reopened).
        let others = decidedOrder.compactMap { decided[$0] }.filter { $0.asset == asset && !storedIDs.contains($0.id) }
        let candidates = stored.map(current) + others
        // Stable: the store's order, then the decisions', among equal openings.
        return candidates.enumerated()
            .filter { $0.element.state == .open }
            .sorted { ($0.element.openedAt, $0.offset) < ($1.element.openedAt, $1.offset) }
            .map(\.element)
    }

    /// As ``IncidentStore/latestIncident(dedupKey:)``: the newest opening; a decided one is newer
    /// than a stored one opened at the same moment.
    mutating func latestIncident(dedupKey: String) async throws(StoreError) -> Incident? {
        let stored: Incident?
        if let known = storedLatest[dedupKey] {
            stored = known
        } else {
            stored = try await store.latestIncident(dedupKey: dedupKey)
            storedLatest[dedupKey] = .some(stored)
        }
        var latest = stored.map(current)
        for id in decidedOrder {
            guard let incident = decided[id], incident.dedupKey == dedupKey else { continue }
            if latest == nil || incident.openedAt >= (latest?.openedAt ?? .distantPast) { latest = incident }
        }
        return latest
    }

    /// As ``IncidentStore/incident(id:)``.
    mutating func incident(id: String) async throws(StoreError) -> Incident? {
        if let incident = decided[id] { return incident }
        if let known = storedIncidents[id] { return known }
        let stored = try await store.incident(id: id)
        storedIncidents[id] = .some(stored)
        return stored
    }

    /// As ``IncidentStore/handledAlertTransitions(_:)``.
    mutating func handledAlertTransitions(
        _ keys: [AlertTransition.Key]
    ) async throws(StoreError) -> [AlertTransition.Key: AlertTransition] {
        let unknown = Array(Set(keys.filter { storedTransitions[$0] == nil }))
        if !unknown.isEmpty {
            let found = try await store.handledAlertTransitions(unknown)
            for key in unknown { storedTransitions[key] = .some(found[key]) }
        }
        var handled: [AlertTransition.Key: AlertTransition] = [:]
        for key in keys {
            if let transition = (storedTransitions[key] ?? nil) ?? transitionsByKey[key] { handled[key] = transition }
        }
        return handled
    }

    /// As ``IncidentStore/firingAlerts(incidentID:)``: alerts that opened or joined the incident
    /// and have not resolved, in the store or in this turn.
    mutating func firingAlerts(incidentID: String) async throws(StoreError) -> [AlertTransition.Key] {
        let stored: [AlertTransition.Key]
        if let known = storedFiring[incidentID] {
            stored = known
        } else {
            stored = try await store.firingAlerts(incidentID: incidentID)
            storedFiring[incidentID] = stored
        }
        let firing = stored + transitions.filter { $0.key.status == .firing && $0.incidentID == incidentID }.map(\.key)
        return firing.filter { key in
            var resolved = key
            resolved.status = .resolved
            return transitionsByKey[resolved] == nil
        }
    }
}
