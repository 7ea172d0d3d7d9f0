import BackstopCore
import Foundation
import Yams

/// Reads and validates a configuration file, reporting every problem at once.
package enum ConfigurationLoader {
    /// `web`, from `serve --web.config.file`, replaces the file's `web_config_file:`.
    /// `secrets: .ifReadable` is for read-only commands, which need no credentials. `sinks`: the
    /// registered sinks (BackstopSinks' overload without it passes `SinkRegistry.plugins`).
    package static func load(
        path: String, web: WebConfiguration? = nil, secrets: SecretsMode = .required, sinks: [any SinkConfigurationParser]
    ) throws(ConfigurationError) -> Configuration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(
                file: path,
                problems: [.init(line: nil, column: nil, keyPath: "", message: "cannot read the file: \(error.localizedDescription)")])
        }
        let text = try decodeUTF8(data, file: path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, file: path, baseDirectory: directory, web: web, secrets: secrets, sinks: sinks)
    }

    package static func parse(
        _ text: String, file: String, baseDirectory: String, web: WebConfiguration? = nil, secrets: SecretsMode = .required,
        sinks: [any SinkConfigurationParser]
    ) throws(ConfigurationError) -> Configuration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(file: file, problems: [Self.yamlProblem(error)])
        }
        let reader = ConfigReader(file: file, secrets: secrets)
        let configuration = ConfigurationParser(reader: reader, baseDirectory: baseDirectory, sinks: sinks, web: web).parse(root)
        guard reader.problems.isEmpty, let configuration else {
            throw ConfigurationError(file: file, problems: reader.problems)
        }
        return configuration
    }

    /// The file as UTF-8 text, or the line and column of its first byte that is not UTF-8 or is
    /// NUL (a binary file, or text in another encoding).
    package static func decodeUTF8(_ data: Data, file: String) throws(ConfigurationError) -> String {
        if !data.contains(0), let text = String(validating: data, as: UTF8.self) { return text }
        let bytes = [UInt8](data)
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var valid = 0
        decoding: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar) where scalar.first != 0: valid += scalar.count
            case .valid: break decoding
            case .error, .emptyInput: break decoding
            }
        }
        let prefix = bytes[..<valid]
        let line = prefix.count { $0 == 0x0A } + 1
        let column = valid - (prefix.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
        let byte = valid < bytes.count ? String(bytes[valid], radix: 16, uppercase: true) : "?"
        throw ConfigurationError(
            file: file,
            problems: [
                .init(
                    line: line, column: column, keyPath: "",
                    message:
                        "not UTF-8 text (byte 0x\(byte) at offset \(valid)): the configuration must be YAML in UTF-8; is this a binary file?"
                )
            ])
    }

    private static func yamlProblem(_ error: any Error) -> ConfigurationError.Problem {
        if let yaml = error as? YamlError, case .scanner(let context, let problem, let mark, _) = yaml {
            return .init(line: mark.line, column: mark.column, keyPath: "", message: "not valid YAML: \(problem) \(context?.text ?? "")")
        }
        if let yaml = error as? YamlError, case .parser(let context, let problem, let mark, _) = yaml {
            return .init(line: mark.line, column: mark.column, keyPath: "", message: "not valid YAML: \(problem) \(context?.text ?? "")")
        }
        return .init(line: nil, column: nil, keyPath: "", message: "not valid YAML: \(error)")
    }
}
