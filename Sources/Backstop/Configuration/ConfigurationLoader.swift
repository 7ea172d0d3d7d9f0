import BackstopCore
import Foundation
import Yams

/// Reads and validates a configuration file, reporting every problem at once.
package enum ConfigurationLoader {
    package static func load(path: String) throws(ConfigurationError) -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                file: path,
                problems: [.init(line: nil, column: nil, keyPath: "", message: "cannot read the file: \(error.localizedDescription)")])
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, file: path, baseDirectory: directory)
    }

    package static func parse(_ text: String, file: String, baseDirectory: String) throws(ConfigurationError) -> Configuration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(file: file, problems: [Self.yamlProblem(error)])
        }
        let reader = ConfigReader(file: file)
        let configuration = ConfigurationParser(reader: reader, baseDirectory: baseDirectory).parse(root)
        guard reader.problems.isEmpty, let configuration else {
            throw ConfigurationError(file: file, problems: reader.problems)
        }
        return configuration
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
