import ArgumentParser
import BackstopCore
import Foundation

/// `backstop diagnose`: classifies a backup tool's output, as Backstop does for failed backups.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Classify backup tool output into a failure cause; prints JSON {cause, confidence, evidence, rule}.",
        discussion:
            "Reads FILE, or standard input when FILE is - or absent. With --config, the configuration's diagnosis.rules are checked first.")

    @Option(help: ArgumentHelp("The tool that printed the output (restic, rsync, pgbackrest…), to read its exit codes.", valueName: "name"))
    var tool: String?

    @Option(help: ArgumentHelp("The tool's exit code.", valueName: "n"))
    var exitCode: Int?

    @Option(name: .shortAndLong, help: ArgumentHelp("Configuration whose diagnosis.rules to use.", valueName: "file"))
    var config: String?

    @Argument(help: "File with the tool's output, or - for standard input.")
    var file: String = "-"

    /// Output larger than this is read only up to here (its tail matters most, but real outputs are far smaller).
    static let inputLimit = 16 << 20

    func run() async throws {
        var rules: [DiagnosisRule] = []
        if let config {
            do {
                rules = try ConfigurationLoader.load(path: config).diagnosisRules
            } catch {
                printError(error.description)
                throw ExitCode(2)
            }
        }
        let data: Data
        do {
            let handle = file == "-" ? FileHandle.standardInput : try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
            data = try handle.read(upToCount: Self.inputLimit) ?? Data()
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let output = String(decoding: data, as: UTF8.self)
        let diagnosis = FailureClassifier(userRules: rules).diagnose(output: output, exitCode: exitCode, tool: tool)
        print(String(decoding: try JSONEncoder.api.encode(diagnosis), as: UTF8.self))
    }
}
