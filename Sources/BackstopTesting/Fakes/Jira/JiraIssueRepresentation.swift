/// Which issue fields an answer includes (`fields=summary,labels`, `*all`, `-description`).
struct JiraFieldSelection {
    static let all: Set<String> = [
        "summary", "description", "labels", "status", "project", "issuetype", "comment", "attachment", "created",
    ]

    /// Included field names; empty means ids only.
    var included: Set<String>

    /// Parses the `fields` parameter values; `defaultAll` is what no parameter means.
    init(_ values: [String], defaultAll: Bool) {
        let items = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !items.isEmpty else {
            included = defaultAll ? Self.all : []
            return
        }
        var included: Set<String> = items.contains { $0.hasPrefix("-") } ? Self.all : []
        for item in items {
            switch item {
            case "*all", "*navigable": included.formUnion(Self.all)
            case "id": continue
            case let excluded where excluded.hasPrefix("-"): included.remove(String(excluded.dropFirst()))
            default: included.insert(item)
            }
        }
        self.included = included
    }
}

extension JiraIssue {
    /// The issue as the REST API answers it for `version`.
    func json(baseURL: String, version: Int, fields selection: JiraFieldSelection) -> JSONValue {
        guard !selection.included.isEmpty else { return ["id": .string(id)] }
        var fields: [String: JSONValue] = [:]
        for name in selection.included {
            switch name {
            case "summary": fields[name] = .string(summary)
            case "description": fields[name] = JiraRichText.render(description, version: version)
            case "labels": fields[name] = .array(labels.map(JSONValue.string))
            case "status": fields[name] = ["name": .string(status), "statusCategory": ["key": .string(statusCategory)]]
            case "project": fields[name] = ["key": .string(projectKey)]
            case "issuetype": fields[name] = ["name": .string(issueType)]
            case "created": fields[name] = .string(JiraRichText.timestamp(created))
            case "comment":
                let list = comments.map { $0.json(baseURL: baseURL, issueID: id, version: version) }
                fields[name] = [
                    "comments": .array(list), "total": .number(Double(list.count)), "startAt": 0, "maxResults": .number(Double(list.count)),
                ]
            case "attachment":
                fields[name] = .array(attachments.map { $0.json(baseURL: baseURL, version: version) })
            default:
                // Jira leaves unknown field names out rather than failing.
                continue
            }
        }
        return [
            "id": .string(id), "key": .string(key), "self": .string("\(baseURL)/rest/api/\(version)/issue/\(id)"),
            "fields": .object(fields),
        ]
    }
}

extension JiraComment {
    func json(baseURL: String, issueID: String, version: Int) -> JSONValue {
        [
            "id": .string(id), "self": .string("\(baseURL)/rest/api/\(version)/issue/\(issueID)/comment/\(id)"),
            "body": JiraRichText.render(body, version: version),
        ]
    }
}

extension JiraAttachment {
    func json(baseURL: String, version: Int) -> JSONValue {
        [
            "id": .string(id), "self": .string("\(baseURL)/rest/api/\(version)/attachments/\(id)"), "filename": .string(filename),
            "size": .number(Double(data.count)), "mimeType": .string(mimeType),
            "content": .string("\(baseURL)/rest/api/\(version)/attachment/content/\(id)"),
        ]
    }
}
