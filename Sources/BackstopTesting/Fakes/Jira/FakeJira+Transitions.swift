import Hummingbird

/// The workflow: listing and performing transitions.
extension FakeJira {
    func listTransitions(_ call: Call) async -> Response {
        let found = state.withLock { state in issueIndex(call, in: state).map { _ in () } }
        if case .failure(let error) = found { return error.response }
        let transitions: [JSONValue] = workflow.map { transition in
            [
                "id": .string(transition.id), "name": .string(transition.name), "hasScreen": false, "isGlobal": true, "isInitial": false,
                "isAvailable": true, "isConditional": false, "isLooped": false,
                "to": [
                    "name": .string(transition.toStatus),
                    "statusCategory": [
                        "key": .string(transition.statusCategory), "name": .string(Self.categoryName(transition.statusCategory)),
                    ],
                ],
            ]
        }
        return FakeHTTP.json(.ok, ["expand": "transitions", "transitions": .array(transitions)])
    }

    func transition(_ call: Call) async -> Response {
        let body: JSONValue
        switch await jsonBody(call) {
        case .success(let value): body = value
        case .failure(let error): return error.response
        }
        if let problem = contractProblems(body, path: "/rest/api/3/issue/{issueIdOrKey}/transitions", method: "POST") { return problem }
        guard let id = body["transition"]?["id"]?.string else {
            return Self.errors(.badRequest, messages: ["Missing 'transition' identifier"])
        }
        guard let chosen = workflow.first(where: { $0.id == id }) else {
            return Self.errors(.badRequest, messages: ["Transition id '\(id)' is not valid for this issue."])
        }
        let applied = state.withLock { state in
            issueIndex(call, in: state).map { index in
                let from = state.issues[index].status
                state.issues[index].status = chosen.toStatus
                state.issues[index].statusCategory = chosen.statusCategory
                state.issues[index].transitions.append(JiraTransitionRecord(transitionID: id, from: from, to: chosen.toStatus))
            }
        }
        if case .failure(let error) = applied { return error.response }
        return FakeHTTP.empty(.noContent)
    }

    static func categoryName(_ key: String) -> String {
        switch key {
        case "new": "To Do"
        case "indeterminate": "In Progress"
        case "done": "Done"
        default: key
        }
    }
}
