/// What started a verification run.
package enum RunTrigger: Sendable, Equatable, Codable {
    /// A schedule's window closed (plus grace).
    case schedule(String)
    /// A backup-completion event arrived (the event's id).
    case event(String)
    /// Someone asked: `backstop verify`.
    case manual
    /// Re-verification after an automatic retry of the named asset's backup.
    case retry(String)
    /// An Alertmanager notification arrived (the notification's id in the intake record).
    case alert(String)

    package var kind: String {
        switch self {
        case .schedule: "schedule"
        case .event: "event"
        case .manual: "manual"
        case .retry: "retry"
        case .alert: "alert"
        }
    }

    package var detail: String? {
        switch self {
        case .schedule(let name): name
        case .event(let id): id
        case .manual: nil
        case .retry(let asset): asset
        case .alert(let id): id
        }
    }

    package init?(kind: String, detail: String?) {
        switch (kind, detail) {
        case ("schedule", let name?): self = .schedule(name)
        case ("event", let id?): self = .event(id)
        case ("manual", _): self = .manual
        case ("retry", let asset?): self = .retry(asset)
        case ("alert", let id?): self = .alert(id)
        default: return nil
        }
    }
}
