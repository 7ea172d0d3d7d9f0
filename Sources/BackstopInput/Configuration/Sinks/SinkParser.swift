import BackstopCore
import Yams

/// The configuration half of a sink, registered in ``SinkCatalog``: its name in the configuration,
/// how it takes an incident's lifecycle and how its `incidents.<name>` keys are parsed. It lives in
/// BackstopInput so the configuration parser (and its fuzzer) knows every sink without the
/// server's HTTP clients; the client half is the sink's folder under `Sources/Backstop/Sinks/`.
package protocol SinkParser: Sendable {
    /// The name used in `incidents.sink`, `incidents.page` and as the `incidents.<name>` key.
    var kind: SinkKind { get }
    /// How people call it ("PagerDuty"), in the timeline and on the status board.
    var displayName: String { get }
    var traits: SinkTraits { get }
    /// Parses `incidents.<name>`; nil after reporting through `reader` what is wrong.
    func parse(_ node: Node, reader: ConfigReader, baseDirectory: String) -> (any SinkSettings)?
}

/// A sink's parsed configuration, kept in ``Configuration/sinks`` until Backstop builds the
/// client from it (`SinkClientSettings` in the Backstop module adds `makeSink`).
package protocol SinkSettings: Sendable {}
