import Foundation

/// Where incidents go: a sink's name as configured (`incidents.sink: jira`). The core knows no
/// sink by name; each sink's folder declares its own (`Sources/BackstopSinks/<Sink>/`).
package struct SinkKind: RawRepresentable, Sendable, Codable, Hashable, CodingKeyRepresentable, CustomStringConvertible {
    package let rawValue: String

    package init(rawValue: String) { self.rawValue = rawValue }

    package var description: String { rawValue }
}

/// How a sink takes an incident's lifecycle: declared by the sink, applied by the ledger, so the
/// ledger has no rule of any one sink.
package struct SinkTraits: Sendable, Equatable {
    /// Takes a recurrence of an open incident as an update (a tracker's comment); a pager folds
    /// repeats into the alert it already has.
    package var takesUpdates: Bool
    /// Knows "reopen"; one that does not is sent "open" again.
    package var reopens: Bool
    /// Pages on-call: may be `incidents.page`, and pages when another sink gives up.
    package var pages: Bool

    package init(takesUpdates: Bool = true, reopens: Bool = true, pages: Bool = false) {
        self.takesUpdates = takesUpdates
        self.reopens = reopens
        self.pages = pages
    }

    /// An issue tracker: every action, no paging.
    package static let tracker = SinkTraits()
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
    /// Who pages on-call (only a sink whose traits page); nil pages nobody.
    package var page: SinkKind?
    /// Each configured sink's traits (from its registration); a sink not listed is a tracker.
    package var traits: [SinkKind: SinkTraits] = [:]
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

    package func traits(of sink: SinkKind) -> SinkTraits { traits[sink] ?? .tracker }

    package func reportURL(incident id: String) -> String? {
        reportBaseURL.map { base in (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/api/v1/incidents/\(id)/report.md" }
    }
}
