import Foundation

/// Where incidents go.
package enum SinkKind: String, Sendable, Codable, CaseIterable, Hashable, CodingKeyRepresentable {
    case pagerduty
    case jira
    case linear
}

/// The facts a dedup key can be made of. One incident exists per distinct key.
package enum DedupField: String, Sendable, CaseIterable, Equatable {
    case asset
    case cause
    case schedule
}

/// How failures become incidents: where they are opened and paged, how they are de-duplicated,
/// when they resolve and reopen.
package struct IncidentPolicy: Sendable, Equatable {
    /// The tracker incidents are opened in; nil keeps them in Backstop's ledger only.
    package var sink: SinkKind?
    /// Who pages on-call (only PagerDuty pages); nil pages nobody.
    package var page: SinkKind?
    package var dedup: [DedupField] = [.asset, .cause]
    /// Resolve an asset's open incidents once it verifies healthy again.
    package var autoResolve = true
    /// A recurrence within this time after resolving reopens the incident instead of opening a new one.
    package var reopenWithin: Duration = .seconds(86_400)
    /// Links in incidents point here (`{base}/api/v1/incidents/{id}/report.md`).
    package var reportBaseURL: String?
    /// Record and log every mutating action instead of performing it.
    package var dryRun = false

    package init() {}

    /// The dedup key of a failure: `backstop/<asset>/<cause>` with the configured fields.
    package func dedupKey(asset: String, cause: FailureCause, schedule: String) -> String {
        let parts = dedup.map { field -> String in
            switch field {
            case .asset: asset
            case .cause: cause.rawValue
            case .schedule: schedule
            }
        }
        return (["backstop"] + parts).joined(separator: "/")
    }

    /// Every target that receives messages about an incident, in delivery order.
    package var targets: [SinkKind] {
        var targets: [SinkKind] = []
        if let sink { targets.append(sink) }
        if let page, page != sink { targets.append(page) }
        return targets
    }

    package func reportURL(incident id: String) -> String? {
        reportBaseURL.map { base in (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/api/v1/incidents/\(id)/report.md" }
    }
}
