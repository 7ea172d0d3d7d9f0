import BackstopCore
import Yams

/// What a sink's folder registers in ``SinkRegistry``: its name in the configuration, how it
/// takes an incident's lifecycle, how its `incidents.<name>` keys are parsed and how its client
/// is built. Nothing outside the folder knows more of a sink than this.
protocol SinkPlugin: Sendable {
    /// The name used in `incidents.sink`, `incidents.page` and as the `incidents.<name>` key.
    var kind: SinkKind { get }
    /// How people call it ("PagerDuty"), in the timeline and on the status board.
    var displayName: String { get }
    var traits: SinkTraits { get }
    /// Parses `incidents.<name>`; nil after reporting through `reader` what is wrong.
    func parse(_ node: Node, reader: ConfigReader, baseDirectory: String) -> (any SinkSettings)?
}

/// A sink's parsed configuration, kept in ``Configuration/sinks`` until the client is built.
package protocol SinkSettings: Sendable {
    func makeSink(http: SinkHTTPClient) -> any IncidentSink
}
