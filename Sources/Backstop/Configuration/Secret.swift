import Foundation
import Yams

/// A credential read from a file or an environment variable at load time. It never prints:
/// its description is `<redacted>`, so it cannot leak through logs, errors or reports.
package struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The credential itself. Only HTTP clients building a request header read it.
    package let value: String

    package init(_ value: String) { self.value = value }

    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
}

extension ConfigReader {
    /// Reads the secret named `name` from `<name>_file` (trailing newline trimmed, as files
    /// written by `echo` or Kubernetes secrets end) or `<name>_env`. Inline values are refused so
    /// credentials stay out of configuration files that get committed and shared.
    func secret(_ fields: [String: Node], _ name: String, path: String, baseDirectory: String, required: Bool, parent: Node?) -> Secret? {
        let fileNode = fields["\(name)_file"]
        let envNode = fields["\(name)_env"]
        if fileNode != nil, envNode != nil {
            report(envNode, "\(path).\(name)_env", "give either \(name)_file or \(name)_env, not both")
            return nil
        }
        if let fileNode, let file = nonEmptyString(fileNode, "\(path).\(name)_file") {
            let resolved = PathResolver.resolve(file, against: baseDirectory)
            guard let data = FileManager.default.contents(atPath: resolved) else {
                report(
                    fileNode, "\(path).\(name)_file", "cannot read '\(resolved)'; check that it exists and that Backstop's user may read it"
                )
                return nil
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else {
                report(
                    fileNode, "\(path).\(name)_file",
                    "'\(resolved)' is empty; put the \(name.replacingOccurrences(of: "_", with: " ")) in it")
                return nil
            }
            return Secret(value)
        }
        if let envNode, let variable = nonEmptyString(envNode, "\(path).\(name)_env") {
            guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
                report(envNode, "\(path).\(name)_env", "environment variable \(variable) is not set or empty")
                return nil
            }
            return Secret(value)
        }
        if required {
            report(
                parent, "\(path).\(name)_file",
                "is required (or \(name)_env): the file holding the \(name.replacingOccurrences(of: "_", with: " "))")
        }
        return nil
    }
}
