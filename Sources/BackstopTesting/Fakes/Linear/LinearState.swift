import Foundation

/// A workflow state of a Linear team; `type` is one of backlog, unstarted, started, completed,
/// canceled (Linear's state types).
package struct LinearWorkflowState: Sendable {
    package var id: String
    package var name: String
    package var type: String
    package var color: String
    package var position: Double

    package init(id: String, name: String, type: String, color: String = "#bec2c8", position: Double) {
        self.id = id
        self.name = name
        self.type = type
        self.color = color
        self.position = position
    }
}

/// A Linear team issues can be created in.
package struct LinearTeam: Sendable {
    package var id: String
    package var key: String
    package var name: String
    package var states: [LinearWorkflowState]
    /// Where issues created without a `stateId` start.
    package var defaultStateID: String

    package init(id: String, key: String, name: String, states: [LinearWorkflowState], defaultStateID: String? = nil) {
        self.id = id
        self.key = key
        self.name = name
        self.states = states
        self.defaultStateID = defaultStateID ?? states.first { $0.type == "backlog" }?.id ?? states.first?.id ?? ""
    }

    /// A team with Linear's standard workflow: Backlog, Todo, In Progress, Done, Canceled.
    /// Ids are fixed UUIDs so tests can name them.
    package static func standard(
        id: String = "5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f", key: String = "OPS", name: String = "Operations"
    ) -> LinearTeam {
        let prefix = String(id.prefix(24))
        let states = [
            ("Backlog", "backlog", "#bec2c8"), ("Todo", "unstarted", "#e2e2e2"), ("In Progress", "started", "#f2c94c"),
            ("Done", "completed", "#5e6ad2"), ("Canceled", "canceled", "#95a2b3"),
        ].enumerated().map { index, state in
            LinearWorkflowState(
                id: prefix + String(format: "%012d", index + 1), name: state.0, type: state.1, color: state.2, position: Double(index))
        }
        return LinearTeam(id: id, key: key, name: name, states: states)
    }
}

package struct LinearComment: Sendable {
    package var id: String
    package var body: String
    package var createdAt: Date
}

package struct LinearAttachment: Sendable {
    package var id: String
    package var title: String
    package var subtitle: String?
    package var url: String
    package var createdAt: Date
    package var updatedAt: Date
}

/// An issue in the Linear fake.
package struct LinearIssue: Sendable {
    package var id: String
    /// Team key and number, e.g. `OPS-1`.
    package var identifier: String
    package var number: Int
    package var teamID: String
    package var title: String
    /// Markdown, as sent.
    package var description: String?
    /// 0 none, 1 urgent, 2 high, 3 medium, 4 low.
    package var priority: Int
    package var stateID: String
    package var stateName: String
    package var stateType: String
    package var comments: [LinearComment] = []
    package var attachments: [LinearAttachment] = []
    package var createdAt: Date
    package var updatedAt: Date
}

/// Everything a mutation can change, copied per request so a failed operation changes nothing.
struct LinearData: Sendable {
    var issues: [LinearIssue] = []
    var issueNumbers: [String: Int] = [:]
    var lastSyncID: Double = 1_000
}
