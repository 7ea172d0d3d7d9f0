import BackstopCore
import Yams

/// `webhook:`: how Alertmanager reaches `POST /api/v1/alerts`, and how its alerts map to assets.
package struct WebhookConfiguration: Sendable, Equatable {
    /// What a request must present; nil accepts any caller (logged as a warning at start).
    package var credentials: HTTPCredentials?
    package var mapping = AlertMapping()
    /// Larger bodies are refused with 413. Alertmanager sends every alert of a group in one
    /// body (unless `max_alerts` is set), so the default leaves room for large groups.
    package var maxBodyBytes = 4 << 20

    package init(credentials: HTTPCredentials? = nil, mapping: AlertMapping = AlertMapping(), maxBodyBytes: Int = 4 << 20) {
        self.credentials = credentials
        self.mapping = mapping
        self.maxBodyBytes = maxBodyBytes
    }
}

/// Parses `webhook:`.
struct WebhookParser {
    let reader: ConfigReader
    let baseDirectory: String

    func parse(_ node: Node, into configuration: inout Configuration) {
        let allowed = ["bearer_token_file", "bearer_token_env", "basic_auth", "alert_mapping", "max_body_size"]
        guard let fields = reader.mapping(node, "webhook", allowed: allowed) else { return }
        var webhook = WebhookConfiguration()
        webhook.credentials = reader.httpCredentials(fields, path: "webhook", baseDirectory: baseDirectory, parent: node)
        if let size = fields["max_body_size"].flatMap({ reader.bytes($0, "webhook.max_body_size") }) {
            if size < 1_024 {
                reader.report(
                    fields["max_body_size"], "webhook.max_body_size", "\(size) bytes is too small for any notification; use at least 1KiB")
            } else {
                webhook.maxBodyBytes = Int(clamping: size)
            }
        }
        if let mappingNode = fields["alert_mapping"],
            let mapping = reader.mapping(mappingNode, "webhook.alert_mapping", allowed: ["asset_label", "jobs", "instances"])
        {
            if let label = reader.nonEmptyString(mapping["asset_label"], "webhook.alert_mapping.asset_label") {
                webhook.mapping.assetLabel = label
            }
            webhook.mapping.jobs = table(mapping["jobs"], "webhook.alert_mapping.jobs", configuration: configuration)
            webhook.mapping.instances = table(mapping["instances"], "webhook.alert_mapping.instances", configuration: configuration)
        }
        configuration.webhook = webhook
    }

    /// A label value → asset table; each asset must be configured.
    private func table(_ node: Node?, _ path: String, configuration: Configuration) -> [String: String] {
        guard let node, let entries = reader.namedMapping(node, path) else { return [:] }
        var table: [String: String] = [:]
        for (value, assetNode, _) in entries {
            guard let asset = reader.nonEmptyString(assetNode, "\(path).\(value)") else { continue }
            guard configuration.asset(named: asset) != nil else {
                reader.report(assetNode, "\(path).\(value)", "'\(asset)' is not an asset in `assets`; name one of them")
                continue
            }
            table[value] = asset
        }
        return table
    }
}
