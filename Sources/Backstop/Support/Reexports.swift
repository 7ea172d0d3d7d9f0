/// The configuration, webhook and report types live in BackstopInput, the incident sinks in
/// BackstopSinks (modules with few dependencies, so the fuzzers build without the server's);
/// Backstop re-exports them so its files and its users see them as before.
@_exported import BackstopInput
@_exported import BackstopSinks
