import Yams

/// Parses `api: { tokens: [{name, role, token_file|token_env}], insecure_open }`.
struct APIParser {
    let reader: ConfigReader
    let baseDirectory: String

    func parse(_ node: Node, into configuration: inout Configuration) {
        guard let fields = reader.mapping(node, "api", allowed: ["tokens", "insecure_open"]) else { return }
        if let value = reader.bool(fields["insecure_open"], "api.insecure_open") { configuration.api.insecureOpen = value }
        guard let items = reader.sequence(fields["tokens"], "api.tokens") else { return }
        var names: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = "api.tokens[\(index)]"
            guard let token = parseToken(item, path: path) else { continue }
            if let first = names[token.name] {
                reader.report(item, "\(path).name", "'\(token.name)' is already used by api.tokens[\(first)]; token names must be unique")
                continue
            }
            if let same = configuration.api.tokens.firstIndex(where: { $0.digest == token.digest }) {
                reader.report(
                    item, "\(path).token_file",
                    "holds the same token as api.tokens[\(same)]; give every client its own token so its role is unambiguous")
                continue
            }
            names[token.name] = index
            configuration.api.tokens.append(token)
        }
    }

    private func parseToken(_ node: Node, path: String) -> APIToken? {
        guard let fields = reader.mapping(node, path, allowed: ["name", "role", "token_file", "token_env"]) else { return nil }
        let name = reader.nonEmptyString(reader.require(fields["name"], in: node, "\(path).name", "who holds the token"), "\(path).name")
        let role = reader.oneOf(
            reader.require(fields["role"], in: node, "\(path).role", "read, operator or ingest"), "\(path).role", APIRole.self)
        let secret = reader.secret(fields, "token", path: path, baseDirectory: baseDirectory, required: true, parent: node)
        guard let name, let role, let secret else { return nil }
        return APIToken(name: name, role: role, token: secret)
    }
}
