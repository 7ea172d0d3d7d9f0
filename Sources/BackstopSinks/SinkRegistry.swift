import BackstopCore
import BackstopInput

/// Every sink Backstop can deliver to. Adding a sink is its folder under `Sources/BackstopSinks/`
/// and one line here (docs/ARCHITECTURE.md lists the files).
package enum SinkRegistry {
    package static let plugins: [any SinkPlugin] = [
        PagerDutyPlugin(),
        JiraPlugin(),
        LinearPlugin(),
    ]

    package static func plugin(_ kind: SinkKind) -> (any SinkPlugin)? { plugins.first { $0.kind == kind } }

    /// The sink that pages when another sink gives up on a message (the first that pages).
    package static var fallbackPager: SinkKind? { plugins.first { $0.traits.pages }?.kind }
}

extension SinkKind {
    /// How people call the sink; its configured name when no sink of that name is registered
    /// (a message queued for a sink that a later version dropped).
    package var displayName: String { SinkRegistry.plugin(self)?.displayName ?? rawValue }
}
