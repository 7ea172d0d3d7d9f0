import BackstopCore

/// The client half of a sink: its parsed settings (a ``SinkSettings`` from BackstopInput, where
/// the sink is registered in ``SinkCatalog``) build the client that delivers incidents. Each
/// sink's folder declares this conformance in `<Sink>Client.swift`; nothing else registers it.
package protocol SinkClientSettings: SinkSettings {
    func makeSink(http: SinkHTTPClient) -> any IncidentSink
}

/// A configured sink whose settings cannot build a client: a sink registered in ``SinkCatalog``
/// whose folder under `Sources/Backstop/Sinks/` does not declare `SinkClientSettings`.
package struct SinkClientMissing: Error, CustomStringConvertible {
    package let kind: SinkKind
    package var description: String {
        "incidents.\(kind.rawValue) is configured, but this build of Backstop has no client for the \(kind.displayName) sink; "
            + "declare SinkClientSettings in Sources/Backstop/Sinks/\(kind.displayName)/ or remove incidents.\(kind.rawValue)"
    }
}
