import ArgumentParser
import Foundation

/// `backstop check-config`: validates the configuration and reports every problem at once.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration file; exits 0 when valid, 2 with every problem listed when not.")

    @OptionGroup var options: GlobalOptions

    @Option(
        name: .customLong("web.config.file"),
        help: ArgumentHelp("Also validate this exporter-toolkit web configuration, as serve would load it.", valueName: "file"))
    var webConfigFile: String?

    func run() async throws {
        let configuration = try options.loadConfiguration(webConfigFile: webConfigFile)
        // A missing tool does not make the file invalid, but every run of that asset would
        // fail with missing_dependency: say so now.
        for missing in ToolAvailability.missingTools(for: configuration.assets) {
            FileHandle.standardError.write(Data("warning: \(missing.message); its verification will fail with missing_dependency\n".utf8))
        }
        print(
            "\(options.config) is valid: \(configuration.assets.count) assets on \(configuration.schedules.count) schedules, store \(configuration.postgresStore?.description ?? configuration.sqlitePath)"
                + (configuration.web.map {
                    "; web configuration: \($0.tls == nil ? "plain HTTP" : "TLS"), \($0.basicAuthUsers.count) basic-auth users"
                } ?? "")
        )
    }
}
