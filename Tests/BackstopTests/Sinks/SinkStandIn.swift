import Backstop
import BackstopCore
import BackstopTesting
import Foundation

/// A sink wired to its local stand-in, with what the conformance suite asks of the stand-in's
/// state.
struct SinkStandIn: Sendable {
    enum Kind: String, CaseIterable, Sendable, CustomStringConvertible {
        case pagerduty
        case jira
        case jiraDataCenter = "jira-v2-bearer"
        case linear

        /// Whether updates become comments (PagerDuty folds them into the alert instead).
        var tracksComments: Bool { self != .pagerduty }
        var description: String { rawValue }
    }

    let faults: FaultPlan
    let wrongSecret: String
    let createdCount: @Sendable (Incident) -> Int
    let isResolved: @Sendable (Incident) -> Bool
    let runBody: @Sendable (@Sendable (any IncidentSink) async throws -> Void) async throws -> Void

    func run(_ body: @escaping @Sendable (any IncidentSink) async throws -> Void) async throws {
        try await runBody(body)
    }

    /// Each sink's stand-in is in its own folder beside this file (`PagerDuty/`, `Jira/`, `Linear/`).
    static func make(_ kind: Kind, timeout: Duration = .seconds(60), wrongCredentials: Bool = false) async throws -> SinkStandIn {
        switch kind {
        case .pagerduty: try await pagerDuty(timeout: timeout, wrongCredentials: wrongCredentials)
        case .jira: try await jira(cloud: true, timeout: timeout, wrongCredentials: wrongCredentials)
        case .jiraDataCenter: try await jira(cloud: false, timeout: timeout, wrongCredentials: wrongCredentials)
        case .linear: try await linear(timeout: timeout, wrongCredentials: wrongCredentials)
        }
    }
}
