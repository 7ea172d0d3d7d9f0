import BackstopInput

/// `incidents.linear`: Linear's GraphQL API with a personal API key.
package struct LinearConfiguration: Sendable, Equatable {
    package var url = "https://api.linear.app/graphql"
    package var teamID: String
    package var apiKey: Secret
    /// The workflow state (by name) resolved issues move to; a `completed` state when not found.
    package var completedState = "Done"
    /// Priority of new issues: 1 urgent … 4 low (0 none).
    package var priority = 1

    package init(teamID: String, apiKey: Secret) {
        self.teamID = teamID
        self.apiKey = apiKey
    }
}
