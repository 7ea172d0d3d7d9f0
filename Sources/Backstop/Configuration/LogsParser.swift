import BackstopCore
import Foundation
import Yams

/// Parses `logs:`: padding around the failure window, the time limit per source, and sources.
struct LogsParser {
    let reader: ConfigReader
    let baseDirectory: String

    func parse(_ node: Node, into configuration: inout Configuration) {
        guard let fields = reader.mapping(node, "logs", allowed: ["padding", "padding_after", "timeout", "sources"]) else { return }
        if let value = fields["padding"].flatMap({ reader.duration($0, "logs.padding") }) { configuration.logPaddingBefore = value }
        if let value = fields["padding_after"].flatMap({ reader.duration($0, "logs.padding_after") }) {
            configuration.logPaddingAfter = value
        }
        if let value = fields["timeout"].flatMap({ reader.duration($0, "logs.timeout") }) { configuration.logTimeout = value }
        guard let sources = reader.sequence(fields["sources"], "logs.sources") else { return }
        for (index, source) in sources.enumerated() {
            if let parsed = parseSource(source, path: "logs.sources[\(index)]") { configuration.logSources.append(parsed) }
        }
    }

    private func parseSource(_ node: Node, path: String) -> LogSourceConfiguration? {
        guard let type = node.mapping?["type"].flatMap({ reader.nonEmptyString($0, "\(path).type") }) else {
            reader.report(node, "\(path).type", "is required: file or journald")
            return nil
        }
        switch type {
        case "file":
            guard let fields = reader.mapping(node, path, allowed: ["type", "path", "timezone"]) else { return nil }
            guard
                let pattern = reader.nonEmptyString(
                    reader.require(fields["path"], in: node, "\(path).path", "a path template like /var/log/{service}/*.log"),
                    "\(path).path")
            else { return nil }
            var zone = TimeZone(identifier: "UTC") ?? .current
            if let text = fields["timezone"].flatMap({ reader.nonEmptyString($0, "\(path).timezone") }) {
                guard let parsed = TimeZone(identifier: text) else {
                    reader.report(
                        fields["timezone"], "\(path).timezone", "'\(text)' is not a known time zone; use an IANA name like Europe/Berlin")
                    return nil
                }
                zone = parsed
            }
            return .file(path: PathResolver.resolve(pattern, against: baseDirectory), timeZone: zone)
        case "journald":
            guard let fields = reader.mapping(node, path, allowed: ["type", "unit", "directory", "files"]) else { return nil }
            let unit = fields["unit"].flatMap { reader.nonEmptyString($0, "\(path).unit") } ?? "{service}.service"
            let directory = fields["directory"].flatMap { reader.nonEmptyString($0, "\(path).directory") }.map {
                PathResolver.resolve($0, against: baseDirectory)
            }
            let files = (fields["files"].flatMap { reader.stringList($0, "\(path).files") } ?? []).map {
                PathResolver.resolve($0, against: baseDirectory)
            }
            return .journald(unit: unit, directory: directory, files: files)
        default:
            reader.report(node.mapping?["type"], "\(path).type", "'\(type)' is not a log source type; use file or journald")
            return nil
        }
    }
}
