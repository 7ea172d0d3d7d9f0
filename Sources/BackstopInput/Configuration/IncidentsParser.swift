import BackstopCore
import Foundation
import Yams

/// Parses `recovery:`, `incidents:` and `dry_run:`.
struct IncidentsParser {
    let reader: ConfigReader
    let baseDirectory: String
    let sinks: [any SinkConfigurationParser]

    func parseRecovery(_ node: Node, into configuration: inout Configuration) {
        let allowed = ["transient", "max_attempts", "backoff", "max_backoff", "budget_per_window", "concurrency", "timeout", "approval"]
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
        if let node = fields["approval"] { policy.approval = parseApproval(node) }
        configuration.recovery = policy
    }

    /// `recovery.approval`: `required_for` and `timeout`.
    private func parseApproval(_ node: Node) -> ApprovalPolicy {
        var approval = ApprovalPolicy()
        guard let fields = reader.mapping(node, "recovery.approval", allowed: ["required_for", "timeout"]) else { return approval }
        if let value = reader.oneOf(fields["required_for"], "recovery.approval.required_for", ApprovalPolicy.Requirement.self) {
            approval.requiredFor = value
        }
        if let value = fields["timeout"].flatMap({ reader.duration($0, "recovery.approval.timeout") }) {
            if value <= .zero {
                reader.report(
                    fields["timeout"], "recovery.approval.timeout", "must be longer than 0s: it is how long a request waits for an answer")
            } else {
                approval.timeout = value
            }
        }
        return approval
    }

    func parseIncidents(_ node: Node, into configuration: inout Configuration) {
        let sinkNames = sinks.map(\.kind.rawValue)
        let allowed = ["sink", "page", "dedup", "auto_resolve", "reopen_within", "report_base_url"] + sinkNames + ["delivery"]
        guard let fields = reader.mapping(node, "incidents", allowed: allowed) else { return }
        var policy = configuration.incidents
        policy.traits = Dictionary(sinks.map { ($0.kind, $0.traits) }, uniquingKeysWith: { first, _ in first })
        policy.sink = fields["sink"].flatMap { sinkName($0, "incidents.sink") }
        if let page = fields["page"].flatMap({ sinkName($0, "incidents.page") }) {
            let pagers = sinks.filter(\.traits.pages).map(\.kind)
            if !pagers.contains(page) {
                let names = pagers.map(\.rawValue)
                reader.report(
                    fields["page"], "incidents.page",
                    "only \(names.joined(separator: " or ")) pages on-call; use page: \(names.first ?? "a pager") or leave it out")
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
        if let url = reader.httpURL(fields["report_base_url"], "incidents.report_base_url") { policy.reportBaseURL = url }
        if let node = fields["delivery"] { parseDelivery(node, into: &configuration) }
        configuration.incidents = policy
        for plugin in sinks {
            guard let node = fields[plugin.kind.rawValue] else { continue }
            configuration.sinks[plugin.kind] = plugin.parse(node, reader: reader, baseDirectory: baseDirectory)
        }
        for plugin in sinks
        where policy.targets.contains(plugin.kind) && configuration.sinks[plugin.kind] == nil && fields[plugin.kind.rawValue] == nil {
            let name = plugin.kind.rawValue
            reader.report(node, "incidents.\(name)", "is required: incidents go to \(name), so configure it here")
        }
    }

    /// The name of a registered sink.
    private func sinkName(_ node: Node, _ path: String) -> SinkKind? {
        guard let text = reader.string(node, path) else { return nil }
        guard let plugin = sinks.first(where: { $0.kind.rawValue == text }) else {
            reader.report(node, path, "'\(text)' is not one of \(sinks.map(\.kind.rawValue).joined(separator: ", "))")
            return nil
        }
        return plugin.kind
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
}
