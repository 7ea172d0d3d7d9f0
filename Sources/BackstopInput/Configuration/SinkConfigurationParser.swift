import BackstopCore
import Yams

/// What the configuration parser needs of a sink: its name in the configuration, how it takes an
/// incident's lifecycle and how its `incidents.<name>` keys are parsed. The sinks themselves live
/// in BackstopSinks, a module above this one (each sink is one folder there, registered in its
/// `SinkRegistry`), so ``ConfigurationLoader`` takes them as a parameter; BackstopSinks' overloads
/// without it pass every registered sink.
package protocol SinkConfigurationParser: Sendable {
    /// The name used in `incidents.sink`, `incidents.page` and as the `incidents.<name>` key.
    var kind: SinkKind { get }
    /// How people call it ("PagerDuty"), in the timeline and on the status board.
    var displayName: String { get }
    var traits: SinkTraits { get }
    /// Parses `incidents.<name>`; nil after reporting through `reader` what is wrong.
    func parse(_ node: Node, reader: ConfigReader, baseDirectory: String) -> (any SinkSettings)?
}

/// A sink's parsed configuration, kept in ``Configuration/sinks`` until Backstop builds the
/// sink's client from it (through the sink's plugin in BackstopSinks).
package protocol SinkSettings: Sendable {}
