import ArgumentParser
import Foundation

/// `backstop`: proves backups can be restored and turns every one that cannot into a
/// well-documented incident.
package struct BackstopCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "backstop",
        abstract: "Verify that backups exist, are intact and can be restored; publish the results for Prometheus.",
        discussion: """
            Exit codes: 0 success (all backups healthy), 1 a backup failed, 2 configuration or usage error.
            Documentation: docs/CONFIGURATION.md and README.md.
            """,
        version: "\(BackstopVersion.version) (\(BackstopVersion.revision))",
        subcommands: [
            ServeCommand.self, VerifyCommand.self, CheckConfigCommand.self, VerifyRecordCommand.self, RunsCommand.self,
            ChecksumCommand.self, DiagnoseCommand.self, ReportCommand.self, IncidentsCommand.self, TrendsCommand.self,
            BackupStoreCommand.self, MigrateStoreCommand.self, ApprovalsCommand.self, ApproveCommand.self, DenyCommand.self,
        ]
    )

    package init() {}

    /// Process-wide settings, made before anything else runs: `main` calls it, tests do not
    /// (they open stores in parallel, and SQLite's settings must not be made while another
    /// thread uses it).
    package static func prepareProcess() {
        DurableSQLite.allocatePagesAsRead()
    }

    /// Parses and runs, mapping failures to Backstop's exit codes (usage errors exit 2, not 64).
    package static func runMain(arguments: [String]? = nil) async -> Int32 {
        let given = arguments ?? Array(CommandLine.arguments.dropFirst())
        if let problem = CommandLineHints.problem(in: given, subcommands: subcommandNames) {
            printError("Error: \(problem)")
            return 2
        }
        // Errors of a subcommand print that subcommand's usage, not the top-level one.
        var parsed: (any ParsableCommand.Type)?
        do {
            var command = try parseAsRoot(arguments)
            parsed = type(of: command)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            let messages = parsed ?? Self.self
            let code = messages.exitCode(for: error)
            if code == .success {
                print(messages.fullMessage(for: error))
                return 0
            }
            if let exit = error as? ExitCode { return exit.rawValue }
            let message = messages.fullMessage(for: error)
            if !message.isEmpty { printError(message) }
            return code == .validationFailure ? 2 : code.rawValue
        }
    }

    /// The names subcommands are called by, for "did you mean" hints.
    package static var subcommandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName }
    }
}
