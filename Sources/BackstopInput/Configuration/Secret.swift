import Foundation
import Yams

/// A credential read from a file or an environment variable at load time. It never prints:
/// its description is `<redacted>`, so it cannot leak through logs, errors or reports.
package struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The credential itself. Only HTTP clients building a request header read it.
    package let value: String

    /// False for a credential a read-only command did not need to read (see `SecretsMode`).
    package let isAvailable: Bool

    package init(_ value: String) {
        self.value = value
        self.isAvailable = true
    }

    private init(unavailable: Void) {
        self.value = ""
        self.isAvailable = false
    }

    /// Stands in for a credential that could not be read while loading for a read-only command.
    package static let unavailable = Secret(unavailable: ())

    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
}

/// Whether loading a configuration must read every credential it names.
package enum SecretsMode: Sendable {
    /// `serve`, `verify`, `check-config`: a credential that cannot be read is a problem to report.
    case required
    /// Read-only commands (`runs`, `report`, `incidents list`, `trends`) only read the record, so an
    /// operator's shell need not hold the trackers' or the webhook's secrets: a credential that
    /// cannot be read becomes `Secret.unavailable`. Mistakes in the keys are still reported.
    case ifReadable
}

extension ConfigReader {
    /// Reads the secret named `name` from `<name>_file` (trailing newline trimmed, as files
    /// written by `echo` or Kubernetes secrets end) or `<name>_env`. Inline values are refused so
    /// credentials stay out of configuration files that get committed and shared.
    package func secret(_ fields: [String: Node], _ name: String, path: String, baseDirectory: String, required: Bool, parent: Node?)
        -> Secret?
    {
        let fileNode = fields["\(name)_file"]
        let envNode = fields["\(name)_env"]
        if fileNode != nil, envNode != nil {
            report(envNode, "\(path).\(name)_env", "give either \(name)_file or \(name)_env, not both")
            return nil
        }
        if let fileNode, let file = nonEmptyString(fileNode, "\(path).\(name)_file") {
            let resolved = PathResolver.resolve(file, against: baseDirectory)
            guard let data = FileManager.default.contents(atPath: resolved) else {
                if secrets == .ifReadable { return .unavailable }
                report(
                    fileNode, "\(path).\(name)_file", "cannot read '\(resolved)'; check that it exists and that Backstop's user may read it"
                )
                return nil
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else {
                if secrets == .ifReadable { return .unavailable }
                report(
                    fileNode, "\(path).\(name)_file",
                    "'\(resolved)' is empty; put the \(name.replacingOccurrences(of: "_", with: " ")) in it")
                return nil
            }
            return Secret(value)
        }
        if let envNode, let variable = nonEmptyString(envNode, "\(path).\(name)_env") {
            guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
                if secrets == .ifReadable { return .unavailable }
                report(envNode, "\(path).\(name)_env", "environment variable \(variable) is not set or empty")
                return nil
            }
            return Secret(value)
        }
        if required {
            if secrets == .ifReadable { return .unavailable }
            report(
                parent, "\(path).\(name)_file",
                "is required (or \(name)_env): the file holding the \(name.replacingOccurrences(of: "_", with: " "))")
        }
        return nil
    }
}
