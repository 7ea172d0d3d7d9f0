import BackstopCore
import Foundation
import Yams

/// Parses `recovery:`, `incidents:` and `dry_run:`.
struct IncidentsParser {
    let reader: ConfigReader
    let baseDirectory: String

    func parseRecovery(_ node: Node, into configuration: inout Configuration) {
        let allowed = ["transient", "max_attempts", "backoff", "max_backoff", "budget_per_window", "concurrency", "timeout"]
        guard let fields = reader.mapping(node, "recovery", allowed: allowed) else { return }
        var policy = RecoveryPolicy()
        if let list = fields["transient"].flatMap({ reader.stringList($0, "recovery.transient") }) {
            var causes: Set<FailureCause> = []
            for name in list {
                guard let cause = FailureCause(rawValue: name) else {
                    reader.report(
                        fields["transient"], "recovery.transient",
                        "'\(name)' is not a failure cause; use \(FailureCause.allCases.map(\.rawValue).joined(separator: ", "))")
                    continue
                }
                causes.insert(cause)
            }
            policy.transient = causes
        }
        if let value = reader.int(fields["max_attempts"], "recovery.max_attempts", atLeast: 0) { policy.maxAttempts = value }
        if let value = fields["backoff"].flatMap({ reader.duration($0, "recovery.backoff") }) { policy.backoff = value }
        if let value = fields["max_backoff"].flatMap({ reader.duration($0, "recovery.max_backoff") }) { policy.maxBackoff = value }
        if let value = reader.int(fields["budget_per_window"], "recovery.budget_per_window", atLeast: 0) { policy.budgetPerWindow = value }
        if let value = reader.int(fields["concurrency"], "recovery.concurrency", atLeast: 1) { policy.concurrency = value }
        if let value = fields["timeout"].flatMap({ reader.duration($0, "recovery.timeout") }) { policy.commandTimeout = value }
        configuration.recovery = policy
    }

    func parseIncidents(_ node: Node, into configuration: inout Configuration) {
        let allowed = [
            "sink", "page", "dedup", "auto_resolve", "reopen_within", "report_base_url", "pagerduty", "jira", "linear", "delivery",
        ]
        guard let fields = reader.mapping(node, "incidents", allowed: allowed) else { return }
        var policy = configuration.incidents
        policy.sink = fields["sink"].flatMap { reader.oneOf($0, "incidents.sink", SinkKind.self) }
        if let page = fields["page"].flatMap({ reader.oneOf($0, "incidents.page", SinkKind.self) }) {
            if page != .pagerduty {
                reader.report(fields["page"], "incidents.page", "only pagerduty pages on-call; use page: pagerduty or leave it out")
            } else {
                policy.page = page
            }
        }
        if let list = fields["dedup"].flatMap({ reader.stringList($0, "incidents.dedup") }) {
            let parsed = list.compactMap(DedupField.init(rawValue:))
            if parsed.count != list.count || parsed.isEmpty {
                reader.report(fields["dedup"], "incidents.dedup", "use a non-empty list of asset, cause, schedule")
            } else {
                policy.dedup = parsed
            }
        }
        if let value = reader.bool(fields["auto_resolve"], "incidents.auto_resolve") { policy.autoResolve = value }
        if let value = fields["reopen_within"].flatMap({ reader.duration($0, "incidents.reopen_within") }) { policy.reopenWithin = value }
        if let url = fields["report_base_url"].flatMap({ reader.nonEmptyString($0, "incidents.report_base_url") }) {
            if checkURL(url, fields["report_base_url"], "incidents.report_base_url") { policy.reportBaseURL = url }
        }
        if let node = fields["delivery"] { parseDelivery(node, into: &configuration) }
        configuration.incidents = policy
        if let node = fields["pagerduty"] { configuration.pagerDuty = parsePagerDuty(node) }
        if let node = fields["jira"] { configuration.jira = parseJira(node) }
        if let node = fields["linear"] { configuration.linear = parseLinear(node) }
        for (kind, configured) in [
            (SinkKind.pagerduty, configuration.pagerDuty != nil), (.jira, configuration.jira != nil),
            (.linear, configuration.linear != nil),
        ]
        where policy.targets.contains(kind) && !configured && fields[kind.rawValue] == nil {
            reader.report(node, "incidents.\(kind.rawValue)", "is required: incidents go to \(kind.rawValue), so configure it here")
        }
    }

    private func parseDelivery(_ node: Node, into configuration: inout Configuration) {
        guard let fields = reader.mapping(node, "incidents.delivery", allowed: ["max_attempts", "backoff", "max_backoff", "timeout"]) else {
            return
        }
        if let value = reader.int(fields["max_attempts"], "incidents.delivery.max_attempts", atLeast: 1) {
            configuration.delivery.maxAttempts = value
        }
        if let value = fields["backoff"].flatMap({ reader.duration($0, "incidents.delivery.backoff") }) {
            configuration.delivery.backoff = value
        }
        if let value = fields["max_backoff"].flatMap({ reader.duration($0, "incidents.delivery.max_backoff") }) {
            configuration.delivery.maxBackoff = value
        }
        if let value = fields["timeout"].flatMap({ reader.duration($0, "incidents.delivery.timeout") }) {
            configuration.delivery.timeout = value
        }
    }

    private func parsePagerDuty(_ node: Node) -> PagerDutyConfiguration? {
        let path = "incidents.pagerduty"
        guard let fields = reader.mapping(node, path, allowed: ["url", "routing_key_file", "routing_key_env"]),
            let key = reader.secret(fields, "routing_key", path: path, baseDirectory: baseDirectory, required: true, parent: node)
        else { return nil }
        guard !key.isAvailable || key.value.count == 32 else {
            reader.report(
                fields["routing_key_file"] ?? fields["routing_key_env"], "\(path).routing_key_file",
                "the routing key must be 32 characters (an Events API v2 integration key), found \(key.value.count)")
            return nil
        }
        var configuration = PagerDutyConfiguration(routingKey: key)
        if let url = fields["url"].flatMap({ reader.nonEmptyString($0, "\(path).url") }), checkURL(url, fields["url"], "\(path).url") {
            configuration.url = url
        }
        return configuration
    }

    private func parseJira(_ node: Node) -> JiraConfiguration? {
        let path = "incidents.jira"
        let allowed = [
            "url", "api", "project", "issue_type", "email", "token_file", "token_env", "resolve_transition", "reopen_transition",
        ]
        guard let fields = reader.mapping(node, path, allowed: allowed) else { return nil }
        let url = reader.nonEmptyString(reader.require(fields["url"], in: node, "\(path).url", "your Jira's base URL"), "\(path).url")
        let project = reader.nonEmptyString(
            reader.require(fields["project"], in: node, "\(path).project", "the project key, like OPS"), "\(path).project")
        let token = reader.secret(fields, "token", path: path, baseDirectory: baseDirectory, required: true, parent: node)
        guard let url, checkURL(url, fields["url"], "\(path).url"), let project, let token else { return nil }
        var configuration = JiraConfiguration(url: url, project: project, token: token)
        if let api = reader.int(fields["api"], "\(path).api", atLeast: 2) {
            if api == 2 || api == 3 { configuration.api = api } else { reader.report(fields["api"], "\(path).api", "use 2 or 3") }
        }
        if let value = fields["issue_type"].flatMap({ reader.nonEmptyString($0, "\(path).issue_type") }) { configuration.issueType = value }
        configuration.email = fields["email"].flatMap { reader.nonEmptyString($0, "\(path).email") }
        if let value = fields["resolve_transition"].flatMap({ reader.nonEmptyString($0, "\(path).resolve_transition") }) {
            configuration.resolveTransition = value
        }
        configuration.reopenTransition = fields["reopen_transition"].flatMap { reader.nonEmptyString($0, "\(path).reopen_transition") }
        return configuration
    }

    private func parseLinear(_ node: Node) -> LinearConfiguration? {
        let path = "incidents.linear"
        let allowed = ["url", "team_id", "api_key_file", "api_key_env", "completed_state", "priority"]
        guard let fields = reader.mapping(node, path, allowed: allowed) else { return nil }
        let team = reader.nonEmptyString(reader.require(fields["team_id"], in: node, "\(path).team_id", "the team's id"), "\(path).team_id")
        let key = reader.secret(fields, "api_key", path: path, baseDirectory: baseDirectory, required: true, parent: node)
        guard let team, let key else { return nil }
        var configuration = LinearConfiguration(teamID: team, apiKey: key)
        if let url = fields["url"].flatMap({ reader.nonEmptyString($0, "\(path).url") }), checkURL(url, fields["url"], "\(path).url") {
            configuration.url = url
        }
        if let value = fields["completed_state"].flatMap({ reader.nonEmptyString($0, "\(path).completed_state") }) {
            configuration.completedState = value
        }
        if let value = reader.int(fields["priority"], "\(path).priority", atLeast: 0) {
            if value <= 4 {
                configuration.priority = value
            } else {
                reader.report(fields["priority"], "\(path).priority", "use 0 (none) to 4 (low)")
            }
        }
        return configuration
    }

    private func checkURL(_ text: String, _ node: Node?, _ path: String) -> Bool {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            reader.report(node, path, "'\(text)' is not an http(s) URL")
            return false
        }
        return true
    }
}
