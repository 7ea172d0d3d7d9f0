/// The GraphQL documents the sink sends and the parts of their answers it reads. Selections are
/// kept to what the sink uses, so schema changes elsewhere in Linear's API cannot break them.
enum LinearOperations {
    static let issueCreate = """
        mutation BackstopIssueCreate($input: IssueCreateInput!) {
          issueCreate(input: $input) { success issue { id identifier url } }
        }
        """

    static let issue = """
        query BackstopIssue($id: String!) {
          issue(id: $id) { id identifier url }
        }
        """

    static let attachmentCreate = """
        mutation BackstopAttachmentCreate($input: AttachmentCreateInput!) {
          attachmentCreate(input: $input) { success attachment { id } }
        }
        """

    static let commentCreate = """
        mutation BackstopCommentCreate($input: CommentCreateInput!) {
          commentCreate(input: $input) { success comment { id } }
        }
        """

    static let issueUpdate = """
        mutation BackstopIssueUpdate($id: String!, $input: IssueUpdateInput!) {
          issueUpdate(id: $id, input: $input) { success issue { id state { id name type } } }
        }
        """

    static let teamStates = """
        query BackstopTeamStates($id: String!) {
          team(id: $id) { states { nodes { id name type position } } }
        }
        """
}

struct LinearIssueCreateInput: Encodable {
    var id: String
    var teamId: String
    var title: String
    var description: String
    var priority: Int
}

struct LinearAttachmentCreateInput: Encodable {
    var issueId: String
    var url: String
    var title: String
    var subtitle: String?
}

struct LinearCommentCreateInput: Encodable {
    var id: String
    var issueId: String
    var body: String
}

struct LinearIssueUpdateInput: Encodable {
    var stateId: String
}

struct LinearInputVariables<Input: Encodable>: Encodable {
    var input: Input
}

struct LinearIDVariables: Encodable {
    var id: String
}

struct LinearIssueUpdateVariables: Encodable {
    var id: String
    var input: LinearIssueUpdateInput
}

struct LinearIssueFields: Decodable {
    var id: String
    var identifier: String
    var url: String?
}

struct LinearIssueCreateData: Decodable {
    struct Payload: Decodable {
        var success: Bool
        var issue: LinearIssueFields?
    }

    var issueCreate: Payload
}

struct LinearIssueData: Decodable {
    var issue: LinearIssueFields?
}

/// The answer of a mutation whose payload the sink only checks for `success`.
struct LinearSuccessData: Decodable {
    struct Payload: Decodable {
        var success: Bool
    }

    var payload: Payload

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        guard let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "no mutation payload"))
        }
        payload = try container.decode(Payload.self, forKey: key)
    }
}

struct LinearWorkflowStateFields: Decodable {
    var id: String
    var name: String
    var type: String
    var position: Double?
}

struct LinearTeamStatesData: Decodable {
    struct Team: Decodable {
        struct States: Decodable {
            var nodes: [LinearWorkflowStateFields]
        }

        var states: States
    }

    var team: Team?
}
