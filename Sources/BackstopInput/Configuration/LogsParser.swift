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
            reader.report(node, "\(path).type", "is required: file, journald or loki")
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
        case "loki":
            return parseLoki(node, path: path).map(LogSourceConfiguration.loki)
        default:
            reader.report(node.mapping?["type"], "\(path).type", "'\(type)' is not a log source type; use file, journald or loki")
            return nil
        }
    }

    private func parseLoki(_ node: Node, path: String) -> LokiSourceConfiguration? {
        let allowed = [
            "type", "url", "query", "tenant", "page_size", "bearer_token_file", "bearer_token_env", "basic_auth",
        ]
        guard let fields = reader.mapping(node, path, allowed: allowed),
            let url = reader.nonEmptyString(
                reader.require(fields["url"], in: node, "\(path).url", "Loki's base URL, like http://loki:3100"), "\(path).url")
        else { return nil }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            reader.report(fields["url"], "\(path).url", "'\(url)' is not an http(s) URL; use Loki's base URL, like http://loki:3100")
            return nil
        }
        var loki = LokiSourceConfiguration(url: url)
        if let query = fields["query"].flatMap({ reader.nonEmptyString($0, "\(path).query") }) {
            guard query.contains("{service}") else {
                reader.report(fields["query"], "\(path).query", "must contain {service}, like '{service=\"{service}\"}' (quote it in YAML)")
                return nil
            }
            loki.query = query
        }
        loki.tenant = fields["tenant"].flatMap { reader.nonEmptyString($0, "\(path).tenant") }
        if let size = fields["page_size"].flatMap({ reader.int($0, "\(path).page_size", atLeast: 1) }) { loki.pageSize = size }
        loki.credentials = reader.httpCredentials(fields, path: path, baseDirectory: baseDirectory, parent: node)
        return loki
    }
}
