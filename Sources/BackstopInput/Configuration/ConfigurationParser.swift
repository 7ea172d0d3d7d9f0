import BackstopCore
import Foundation
import Yams

/// Turns the YAML tree into a ``Configuration``; each section has its own method.
struct ConfigurationParser {
    let reader: ConfigReader
    let baseDirectory: String
    /// The registered sinks, whose `incidents.<name>` keys this file may hold.
    let sinks: [any SinkConfigurationParser]
    /// The web configuration `serve --web.config.file` gave, which replaces `web_config_file:`.
    var web: WebConfiguration?

    static let topLevelKeys = [
        "listen", "storage", "verification", "schedules", "restore_tests", "assets", "diagnosis", "logs", "runbooks", "recovery",
        "incidents", "dry_run", "webhook", "digest", "api", "postgres", "web_config_file",
    ]

    func parse(_ root: Node?) -> Configuration? {
        guard let root else {
            reader.report(nil, "", "the file is empty; see examples/backstop.yml for a starting point")
            return nil
        }
        guard let top = reader.mapping(root, "", allowed: Self.topLevelKeys) else { return nil }

        let storage = parseStorage(top["storage"], parent: root)
        let schedules = parseSchedules(reader.require(top["schedules"], in: root, "schedules", "at least one schedule"))
        let assets = parseAssets(reader.require(top["assets"], in: root, "assets", "the list of assets to verify"), schedules: schedules)

        var configuration = Configuration(
            sqlitePath: storage.sqlite ?? "", schedules: Dictionary(uniqueKeysWithValues: schedules.map { ($0.name, $0) }),
            assets: assets)
        configuration.postgresStore = storage.postgres
        if let listen = top["listen"] { parseListen(listen, into: &configuration) }
        if let verification = reader.mapping(top["verification"], "verification", allowed: ["concurrency"]) {
            if let value = reader.int(verification["concurrency"], "verification.concurrency", atLeast: 1) {
                configuration.verifyConcurrency = value
            }
        }
        if let restore = top["restore_tests"] { parseRestoreTests(restore, into: &configuration) }
        if let diagnosis = top["diagnosis"] { parseDiagnosis(diagnosis, into: &configuration) }
        let incidents = IncidentsParser(reader: reader, baseDirectory: baseDirectory, sinks: sinks)
        if let node = top["recovery"] { incidents.parseRecovery(node, into: &configuration) }
        if let node = top["incidents"] { incidents.parseIncidents(node, into: &configuration) }
        if let value = reader.bool(top["dry_run"], "dry_run") { configuration.dryRun = value }
        if let schedule = try? CronExpression(DigestConfiguration.defaultSchedule) {
            // Next to the SQLite store; with storage.postgres, next to the configuration file.
            let storePath = configuration.sqlitePath.isEmpty ? baseDirectory + "/backstop.yml" : configuration.sqlitePath
            configuration.digest = DigestConfiguration(schedule: schedule, storePath: storePath)
        }
        if let node = top["digest"] { DigestParser(reader: reader, resolve: resolve).parse(node, into: &configuration) }
        if let node = top["webhook"] { WebhookParser(reader: reader, baseDirectory: baseDirectory).parse(node, into: &configuration) }
        if let node = top["api"] { APIParser(reader: reader, baseDirectory: baseDirectory).parse(node, into: &configuration) }
        configuration.web = web ?? top["web_config_file"].flatMap(parseWebConfigFile)
        if let problem = configuration.api.listenProblem(host: configuration.listenHost, web: configuration.web) {
            reader.report(top["listen"] ?? root, "listen", problem)
        }
        if let node = top["postgres"] {
            configuration.postgres = PostgresConfigParser.parseSettings(node, reader: reader, resolve: resolve)
        }
        if let logs = top["logs"] { LogsParser(reader: reader, baseDirectory: baseDirectory).parse(logs, into: &configuration) }
        if let runbooks = reader.namedMapping(top["runbooks"], "runbooks") {
            for (name, node, keyNode) in runbooks {
                guard let cause = FailureCause(rawValue: name) else {
                    reader.report(
                        keyNode, "runbooks.\(name)",
                        "'\(name)' is not a failure cause; use one of \(FailureCause.allCases.map(\.rawValue).joined(separator: ", "))")
                    continue
                }
                if let url = reader.nonEmptyString(node, "runbooks.\(name)") { configuration.runbooks[cause] = url }
            }
        }
        return configuration
    }

    // MARK: - Sections

    /// `web_config_file:`: the exporter-toolkit file's own problems are listed under this key.
    private func parseWebConfigFile(_ node: Node) -> WebConfiguration? {
        guard let file = reader.nonEmptyString(node, "web_config_file") else { return nil }
        let path = resolve(file)
        do {
            return try WebConfigurationLoader.load(path: path)
        } catch {
            reader.report(node, "web_config_file", "is not a valid web configuration: \(error.description)")
            return nil
        }
    }

    private func parseListen(_ node: Node, into configuration: inout Configuration) {
        guard let text = reader.nonEmptyString(node, "listen") else { return }
        guard let address = ListenAddress.parse(text) else {
            reader.report(
                node, "listen",
                "'\(text)' is not HOST:PORT; write e.g. 127.0.0.1:\(Configuration.defaultPort), 0.0.0.0:\(Configuration.defaultPort) or [::1]:\(Configuration.defaultPort)"
            )
            return
        }
        configuration.listenHost = address.host
        configuration.listenPort = address.port
    }

    /// `storage:` holds exactly one of `sqlite` (a file) and `postgres` (a shared database).
    private func parseStorage(_ node: Node?, parent: Node) -> (sqlite: String?, postgres: PostgresStoreConfiguration?) {
        guard let node else { return (resolve("backstop.db"), nil) }
        guard let storage = reader.mapping(node, "storage", allowed: ["sqlite", "postgres"]) else { return (nil, nil) }
        if let postgres = storage["postgres"] {
            if storage["sqlite"] != nil {
                reader.report(storage["sqlite"], "storage", "give either storage.sqlite or storage.postgres, not both")
            }
            return (nil, PostgresStoreParser(reader: reader, baseDirectory: baseDirectory).parse(postgres))
        }
        return (parseSQLitePath(storage, node: node), nil)
    }

    private func parseSQLitePath(_ storage: [String: Node], node: Node) -> String? {
        guard
            let path = reader.nonEmptyString(
                reader.require(
                    storage["sqlite"], in: node, "storage.sqlite", "the SQLite file path (or storage.postgres for a shared PostgreSQL)"),
                "storage.sqlite")
        else { return nil }
        let resolved = resolve(path)
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) && isDirectory.boolValue) {
            reader.report(
                storage["sqlite"], "storage.sqlite",
                "'\(resolved)' is a directory; name the database file in it, e.g. \(path.hasSuffix("/") ? path : path + "/")backstop.db")
            return nil
        }
        return resolved
    }

    private func parseSchedules(_ node: Node?) -> [Schedule] {
        guard let entries = reader.namedMapping(node, "schedules") else { return [] }
        if entries.isEmpty { reader.report(node, "schedules", "define at least one schedule") }
        var schedules: [Schedule] = []
        for (name, node, _) in entries {
            let path = "schedules.\(name)"
            guard let fields = reader.mapping(node, path, allowed: ["cron", "timezone", "window", "grace"]) else { continue }
            var cron: CronExpression?
            if let text = reader.nonEmptyString(
                reader.require(fields["cron"], in: node, "\(path).cron", "a cron expression like \"0 2 * * *\""), "\(path).cron")
            {
                do {
                    cron = try CronExpression(text)
                } catch {
                    reader.report(fields["cron"], "\(path).cron", "\(error.description)")
                }
            }
            var timeZone = TimeZone(identifier: "UTC")
            if let zoneNode = fields["timezone"], let identifier = reader.nonEmptyString(zoneNode, "\(path).timezone") {
                timeZone = TimeZone(identifier: identifier)
                if timeZone == nil {
                    reader.report(
                        zoneNode, "\(path).timezone", "'\(identifier)' is not a known time zone; use an IANA name like Europe/Berlin or UTC"
                    )
                }
            }
            let window = fields["window"].flatMap { reader.duration($0, "\(path).window") } ?? .seconds(3_600)
            let grace = fields["grace"].flatMap { reader.duration($0, "\(path).grace") } ?? .zero
            if let cron, let timeZone {
                schedules.append(Schedule(name: name, cron: cron, timeZone: timeZone, window: window, grace: grace))
            }
        }
        return schedules
    }

    private func parseRestoreTests(_ node: Node, into configuration: inout Configuration) {
        let allowed = ["sample", "min", "strategy", "scratch", "seed", "output_limit", "cluster_concurrency"]
        guard let fields = reader.mapping(node, "restore_tests", allowed: allowed) else { return }
        if let sample = fields["sample"], let text = reader.nonEmptyString(sample, "restore_tests.sample") {
            if let fraction = Units.percent(text), fraction <= 1 {
                configuration.restoreSampling.amount = .fraction(fraction)
            } else if let count = Int(text), count >= 0 {
                configuration.restoreSampling.amount = .count(count)
            } else {
                reader.report(sample, "restore_tests.sample", "'\(text)' is neither a percentage (0%–100%) nor a count of assets")
            }
        }
        if let value = fields["min"].flatMap({ reader.int($0, "restore_tests.min", atLeast: 0) }) {
            configuration.restoreSampling.minimum = value
        }
        if let value = fields["strategy"].flatMap({ reader.oneOf($0, "restore_tests.strategy", RestoreSampling.Strategy.self) }) {
            configuration.restoreSampling.strategy = value
        }
        if let value = fields["seed"].flatMap({ reader.int($0, "restore_tests.seed", atLeast: 0) }) {
            configuration.restoreSampling.seed = UInt64(value)
        }
        if let value = fields["scratch"].flatMap({ reader.nonEmptyString($0, "restore_tests.scratch") }) {
            configuration.scratchRoot = resolve(value)
        }
        if let value = fields["output_limit"].flatMap({ reader.bytes($0, "restore_tests.output_limit") }) {
            configuration.restoreOutputLimit = Int(clamping: value)
        }
        if let value = fields["cluster_concurrency"].flatMap({ reader.int($0, "restore_tests.cluster_concurrency", atLeast: 1) }) {
            configuration.restoreClusterConcurrency = value
        }
    }

    private func parseDiagnosis(_ node: Node, into configuration: inout Configuration) {
        guard let fields = reader.mapping(node, "diagnosis", allowed: ["rules", "probes"]) else { return }
        if let probes = fields["probes"].flatMap({ reader.bool($0, "diagnosis.probes") }) { configuration.probes = probes }
        guard let rules = reader.sequence(fields["rules"], "diagnosis.rules") else { return }
        for (index, ruleNode) in rules.enumerated() {
            let path = "diagnosis.rules[\(index)]"
            guard let rule = reader.mapping(ruleNode, path, allowed: ["match", "cause"]) else { continue }
            let pattern = reader.nonEmptyString(
                reader.require(rule["match"], in: ruleNode, "\(path).match", "a regular expression"), "\(path).match")
            let cause = reader.oneOf(
                reader.require(rule["cause"], in: ruleNode, "\(path).cause", "the cause it means"), "\(path).cause", FailureCause.self)
            guard let pattern, let cause else { continue }
            do {
                configuration.diagnosisRules.append(
                    try DiagnosisRule(id: "config:\(index)", cause: cause, pattern: pattern, confidence: 0.95))
            } catch {
                reader.report(
                    rule["match"], "\(path).match", "'\(pattern)' is not a valid regular expression: \(error.localizedDescription)")
            }
        }
    }

    private func parseAssets(_ node: Node?, schedules: [Schedule]) -> [Asset] {
        guard let items = reader.sequence(node, "assets") else { return [] }
        let scheduleNames = Set(schedules.map(\.name))
        var assets: [Asset] = []
        var seen: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = "assets[\(index)]"
            guard
                let asset = AssetParser(reader: reader, path: path, baseDirectory: baseDirectory).parse(item, scheduleNames: scheduleNames)
            else { continue }
            if let first = seen[asset.name] {
                reader.report(item, "\(path).name", "'\(asset.name)' is already used by assets[\(first)]; asset names must be unique")
                continue
            }
            seen[asset.name] = index
            assets.append(asset)
        }
        return assets
    }

    private func resolve(_ path: String) -> String {
        PathResolver.resolve(path, against: baseDirectory)
    }
}

/// Resolves configured paths: absolute stay, `~/` expands, relative ones are taken from the
/// configuration file's directory (so a config works from any working directory).
enum PathResolver {
    static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") { return NSString(string: path).expandingTildeInPath }
        let joined = URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
        return joined
    }
}
