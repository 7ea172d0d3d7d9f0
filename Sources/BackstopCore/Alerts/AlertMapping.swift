/// Which asset an alert is about, from its labels: the asset label first (default `asset`),
/// then the `job` and `instance` tables, so exporters that know nothing of Backstop's asset
/// names (pgbackrest_exporter, Velero, k8up…) still map.
package struct AlertMapping: Sendable, Equatable {
    package var assetLabel: String
    /// `job` label value → asset name.
    package var jobs: [String: String]
    /// `instance` label value → asset name.
    package var instances: [String: String]

    package init(assetLabel: String = "asset", jobs: [String: String] = [:], instances: [String: String] = [:]) {
        self.assetLabel = assetLabel
        self.jobs = jobs
        self.instances = instances
    }

    /// Where an alert points.
    package enum Target: Sendable, Equatable {
        /// A configured asset.
        case asset(String)
        /// No configured asset matched: the alert is triaged under this name, and the logs of
        /// `service` (when it names one) are correlated.
        case unmapped(name: String, service: String?)
    }

    package func target(of labels: [String: String], configured: Set<String>) -> Target {
        if let name = labels[assetLabel], configured.contains(name) { return .asset(name) }
        if let job = labels["job"], let name = jobs[job], configured.contains(name) { return .asset(name) }
        if let instance = labels["instance"], let name = instances[instance], configured.contains(name) { return .asset(name) }
        let service = labels["service"] ?? labels["job"] ?? labels["container"] ?? labels["app"]
        let name = labels[assetLabel] ?? service ?? labels["instance"] ?? labels["alertname"] ?? "unnamed"
        return .unmapped(name: name, service: service)
    }
}
