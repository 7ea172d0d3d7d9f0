import Foundation
import Yams

/// Walks a composed YAML tree, reading typed values and collecting every problem with its
/// line, column and key path. Unknown keys are problems too (strict decoding, as Prometheus does).
package final class ConfigReader {
    let file: String
    let secrets: SecretsMode
    private(set) var problems: [ConfigurationError.Problem] = []

    init(file: String, secrets: SecretsMode = .required) {
        self.file = file
        self.secrets = secrets
    }

    package func report(_ node: Node?, _ path: String, _ message: String) {
        problems.append(
            ConfigurationError.Problem(line: node.map { $0.mark?.line ?? 0 }, column: node?.mark?.column, keyPath: path, message: message)
        )
    }

    // MARK: - Structure

    /// The mapping's entries, reporting keys outside `allowed` (with a suggestion) and duplicates.
    package func mapping(_ node: Node?, _ path: String, allowed: [String]) -> [String: Node]? {
        guard let node else { return nil }
        guard let mapping = node.mapping else {
            report(node, path, "expected a mapping of keys (\(allowed.joined(separator: ", "))), found \(kind(of: node))")
            return nil
        }
        var entries: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                report(keyNode, path, "keys must be strings")
                continue
            }
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            if entries[key] != nil {
                report(keyNode, childPath, "is given twice; keep one")
            } else if !allowed.contains(key) {
                let hint =
                    Self.closest(to: key, in: allowed).map { "; did you mean '\($0)'?" }
                    ?? "; allowed keys: \(allowed.joined(separator: ", "))"
                report(keyNode, childPath, "unknown key\(hint)")
            } else {
                entries[key] = value
            }
        }
        return entries
    }

    /// A mapping whose keys are names chosen by the user (like `schedules:`).
    func namedMapping(_ node: Node?, _ path: String) -> [(name: String, node: Node, keyNode: Node)]? {
        guard let node else { return nil }
        guard let mapping = node.mapping else {
            report(node, path, "expected a mapping of names to settings, found \(kind(of: node))")
            return nil
        }
        var seen = Set<String>()
        var result: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.string, !key.isEmpty else {
                report(keyNode, path, "names must be non-empty strings")
                continue
            }
            guard seen.insert(key).inserted else {
                report(keyNode, "\(path).\(key)", "is defined twice; names must be unique")
                continue
            }
            result.append((key, value, keyNode))
        }
        return result
    }

    func sequence(_ node: Node?, _ path: String) -> [Node]? {
        guard let node else { return nil }
        guard let sequence = node.sequence else {
            report(node, path, "expected a list, found \(kind(of: node))")
            return nil
        }
        return Array(sequence)
    }

    package func require(_ node: Node?, in parent: Node?, _ path: String, _ what: String) -> Node? {
        if node == nil { report(parent, path, "is required: \(what)") }
        return node
    }

    // MARK: - Scalars

    func string(_ node: Node?, _ path: String) -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar, node.null == nil else {
            report(node, path, "expected a string, found \(kind(of: node))")
            return nil
        }
        return scalar.string
    }

    package func nonEmptyString(_ node: Node?, _ path: String) -> String? {
        guard let value = string(node, path) else { return nil }
        if value.trimmingCharacters(in: .whitespaces).isEmpty {
            report(node, path, "must not be empty")
            return nil
        }
        return value
    }

    package func int(_ node: Node?, _ path: String, atLeast minimum: Int) -> Int? {
        guard let text = string(node, path) else { return nil }
        guard let value = Int(text), value >= minimum else {
            report(node, path, "'\(text)' is not a whole number ≥ \(minimum)")
            return nil
        }
        return value
    }

    func bool(_ node: Node?, _ path: String) -> Bool? {
        guard let text = string(node, path) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report(node, path, "'\(text)' is not true or false")
            return nil
        }
    }

    func duration(_ node: Node?, _ path: String) -> Duration? {
        guard let text = string(node, path) else { return nil }
        guard Units.durationSeconds(text) != nil else {
            report(node, path, "'\(text)' is not a duration; write a number with a unit: ms, s, m, h, d, w (e.g. 90s, 2h, 1h30m)")
            return nil
        }
        guard let value = Units.duration(text) else {
            report(node, path, "'\(text)' is longer than \(Units.maximumDurationText), the longest duration Backstop accepts")
            return nil
        }
        return value
    }

    func bytes(_ node: Node?, _ path: String) -> Int64? {
        guard let text = string(node, path) else { return nil }
        guard let value = Units.bytes(text) else {
            report(node, path, "'\(text)' is not a size; write a number with a unit: B, KiB, MiB, GiB, TiB or KB, MB, GB, TB (e.g. 512MiB)")
            return nil
        }
        return value
    }

    func percent(_ node: Node?, _ path: String) -> Double? {
        guard let text = string(node, path) else { return nil }
        guard let value = Units.percent(text) else {
            report(node, path, "'\(text)' is not a percentage; write a finite number ≥ 0 with %, e.g. 50%")
            return nil
        }
        return value
    }

    func stringList(_ node: Node?, _ path: String) -> [String]? {
        guard let items = sequence(node, path) else { return nil }
        var values: [String] = []
        for (index, item) in items.enumerated() {
            if let value = nonEmptyString(item, "\(path)[\(index)]") { values.append(value) }
        }
        return values.count == items.count ? values : nil
    }

    func oneOf<Value: RawRepresentable<String> & CaseIterable>(_ node: Node?, _ path: String, _: Value.Type) -> Value? {
        guard let text = string(node, path) else { return nil }
        guard let value = Value(rawValue: text) else {
            report(node, path, "'\(text)' is not one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    // MARK: - Helpers

    private func kind(of node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar): node.null != nil ? "nothing (null)" : "'\(scalar.string)'"
        case .alias: "an alias"
        }
    }

    /// The allowed key nearest to a misspelt one, if it is close enough to be a typo.
    package static func closest(to key: String, in candidates: [String]) -> String? {
        // `password` for `password_file`: the secret forms add a suffix, which is no typo.
        if let suffixed = candidates.first(where: { $0.hasPrefix(key + "_") }) { return suffixed }
        let scored = candidates.map { ($0, distance(key, $0)) }.min { $0.1 < $1.1 }
        guard let (best, score) = scored, score <= max(2, key.count / 3) else { return nil }
        return best
    }

    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
