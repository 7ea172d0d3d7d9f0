import BackstopCore
import BackstopInput
import Yams

/// What a sink's folder registers in ``SinkRegistry``: its name in the configuration, how it takes
/// an incident's lifecycle, how its `incidents.<name>` keys are parsed (the configuration parser's
/// ``SinkConfigurationParser``) and how its client is built from what was parsed. Nothing outside
/// the folder knows more of a sink than this.
package protocol SinkPlugin: SinkConfigurationParser {
    /// The parsed `incidents.<name>` (`<Sink>Configuration`).
    associatedtype Settings: SinkSettings
    /// Parses `incidents.<name>`; nil after reporting through `reader` what is wrong.
    func parseSettings(_ node: Node, reader: ConfigReader, baseDirectory: String) -> Settings?
    /// The client that delivers incidents with these settings.
    func makeSink(_ settings: Settings, http: SinkHTTPClient) -> any IncidentSink
}

extension SinkPlugin {
    package func parse(_ node: Node, reader: ConfigReader, baseDirectory: String) -> (any SinkSettings)? {
        parseSettings(node, reader: reader, baseDirectory: baseDirectory)
    }

    /// The client for settings the configuration parser kept under this sink's name; nil when they
    /// are another type's (only settings made by hand, never a parsed configuration).
    package func makeSink(configured settings: any SinkSettings, http: SinkHTTPClient) -> (any IncidentSink)? {
        (settings as? Settings).map { makeSink($0, http: http) }
    }
}

/// Configured settings that no registered sink builds a client from: a sink dropped from
/// ``SinkRegistry`` or settings made by hand. Backstop refuses to start rather than leave the
/// sink's incidents undelivered.
package struct SinkClientMissing: Error, CustomStringConvertible {
    package let kind: SinkKind

    package init(kind: SinkKind) { self.kind = kind }

    package var description: String {
        "incidents.\(kind.rawValue) is configured, but no sink registered in this build of Backstop builds a client from it; "
            + "register the sink's plugin in Sources/BackstopSinks/SinkRegistry.swift or remove incidents.\(kind.rawValue)"
    }
}
