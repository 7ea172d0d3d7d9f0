import ArgumentParser

/// `backstop check-config`: validates the configuration and reports every problem at once.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration file; exits 0 when valid, 2 with every problem listed when not.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try options.loadConfiguration()
        print(
            "\(options.config) is valid: \(configuration.assets.count) assets on \(configuration.schedules.count) schedules, store \(configuration.sqlitePath)"
        )
    }
}
