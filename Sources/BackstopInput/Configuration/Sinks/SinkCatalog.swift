import BackstopCore

/// Every sink Backstop can deliver to. Adding a sink is one line here, its parser and settings
/// under `Configuration/Sinks/<Sink>/` and its client folder under `Sources/Backstop/Sinks/<Sink>/`
/// (docs/ARCHITECTURE.md lists the files).
package enum SinkCatalog {
    package static let parsers: [any SinkParser] = [
        PagerDutyParser(),
        JiraParser(),
        LinearParser(),
    ]

    package static var kinds: [SinkKind] { parsers.map(\.kind) }

    package static func parser(_ kind: SinkKind) -> (any SinkParser)? { parsers.first { $0.kind == kind } }

    /// The sink that pages when another sink gives up on a message (the first that pages).
    package static var fallbackPager: SinkKind? { parsers.first { $0.traits.pages }?.kind }
}

extension SinkKind {
    /// How people call the sink; its configured name when no sink of that name is registered
    /// (a message queued for a sink that a later version dropped).
    package var displayName: String { SinkCatalog.parser(self)?.displayName ?? rawValue }
}
