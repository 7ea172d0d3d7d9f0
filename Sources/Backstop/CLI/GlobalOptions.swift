import ArgumentParser
import BackstopCore
import Foundation
import Logging

/// Flags every subcommand shares.
package struct GlobalOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Configuration file.", valueName: "file"))
    package var config = "backstop.yml"

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    package var logLevel: LogLevel = .info

    @Option(help: ArgumentHelp("Log format: text or json.", valueName: "format"))
    package var logFormat: LogFormat = .text

    package init() {}

    /// A logger writing to stderr in the chosen format and level.
    package func makeLogger(label: String = "backstop") -> Logger {
        let format = logFormat
        let level = logLevel.level
        var logger = Logger(label: label) { label in
            var handler = StderrLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
        logger.logLevel = level
        return logger
    }

    /// Loads the configuration, printing every problem and exiting 2 when it is invalid.
    /// `webConfigFile` (`--web.config.file`) replaces the configuration's `web_config_file:`;
    /// read-only commands pass `secrets: .ifReadable` so they run without the sinks' credentials.
    /// A command that works on SQLite only passes `sqliteOnly` (why, and what to use instead):
    /// with `storage.postgres` it stops with exit 2 rather than quietly opening an SQLite file.
    package func loadConfiguration(
        webConfigFile: String? = nil, secrets: SecretsMode = .required, sqliteOnly: String? = nil
    ) throws -> Configuration {
        guard FileManager.default.fileExists(atPath: config) else {
            let tried = URL(fileURLWithPath: config).standardizedFileURL.path
            let isDefault = config == "backstop.yml" ? " (the default: backstop.yml in the current directory)" : ""
            printError("Error: no configuration at \(tried)\(isDefault); pass --config FILE, e.g. --config /etc/backstop/backstop.yml")
            throw ExitCode(2)
        }
        let configuration: Configuration
        do {
            var web: WebConfiguration?
            if let webConfigFile { web = try WebConfigurationLoader.load(path: webConfigFile) }
            configuration = try ConfigurationLoader.load(path: config, web: web, secrets: secrets)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        if configuration.postgresStore != nil, let sqliteOnly {
            printError("Error: \(config): storage.postgres: \(sqliteOnly)")
            throw ExitCode(2)
        }
        return configuration
    }
}

/// `--log-level` values (swift-log's levels).
package enum LogLevel: String, ExpressibleByArgument, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}

package enum LogFormat: String, ExpressibleByArgument, Sendable, CaseIterable {
    case text
    case json
}

/// Writes to standard error (messages and diagnostics never go to stdout, which carries results).
package func printError(_ message: String) {
    FileHandleWriter.standardError.write(message.hasSuffix("\n") ? message : message + "\n")
}
