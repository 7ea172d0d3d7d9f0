import BackstopInput

/// The configuration with every sink of ``SinkRegistry``: what Backstop, its tests and the config
/// fuzzer read. BackstopInput, below this module, takes the sinks as a parameter.
extension ConfigurationLoader {
    package static func load(
        path: String, web: WebConfiguration? = nil, secrets: SecretsMode = .required
    ) throws(ConfigurationError) -> Configuration {
        try load(path: path, web: web, secrets: secrets, sinks: SinkRegistry.plugins)
    }

    package static func parse(
        _ text: String, file: String, baseDirectory: String, web: WebConfiguration? = nil, secrets: SecretsMode = .required
    ) throws(ConfigurationError) -> Configuration {
        try parse(text, file: file, baseDirectory: baseDirectory, web: web, secrets: secrets, sinks: SinkRegistry.plugins)
    }
}
