import Backstop
import BackstopTesting
import Foundation
import Testing

/// The command line says what is wrong in the user's terms.
@Suite struct CommandLineHintsTests {
    @Test func aMistypedCommandGetsTheNearestName() {
        let problem = CommandLineHints.problem(in: ["verfy"], subcommands: BackstopCommand.subcommandNames)
        #expect(problem?.contains("did you mean 'verify'?") == true, "\(problem ?? "nil")")
        #expect(CommandLineHints.problem(in: ["verify"], subcommands: BackstopCommand.subcommandNames) == nil)
        #expect(CommandLineHints.problem(in: ["help", "verify"], subcommands: BackstopCommand.subcommandNames) == nil)
        #expect(CommandLineHints.problem(in: ["--version"], subcommands: BackstopCommand.subcommandNames) == nil)
    }

    @Test func aNegativeCountIsNamedAsSuch() {
        let problem = CommandLineHints.problem(in: ["runs", "--limit", "-3"], subcommands: BackstopCommand.subcommandNames)
        #expect(problem == "--limit must be a positive whole number, not -3")
    }

    @Test func mistakesExitTwo() async {
        #expect(await BackstopCommand.runMain(arguments: ["verfy"]) == 2)
        #expect(await BackstopCommand.runMain(arguments: ["runs", "--limit", "-3", "--config", "/no/such/backstop.yml"]) == 2)
        #expect(await BackstopCommand.runMain(arguments: ["runs", "--config", "/no/such/backstop.yml"]) == 2)
    }

    @Test func aMissingConfigurationSaysWhereItLookedAndWhatToPass() async throws {
        let binary = BackstopProcess.executable
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        let error = try await #require(throws: Shell.Failure.self) { try await Shell.run([binary, "runs"], in: directory.path) }
        #expect(error.description.contains("no configuration at \(directory.path)/backstop.yml"), "\(error)")
        #expect(error.description.contains("pass --config FILE"))
    }
}
