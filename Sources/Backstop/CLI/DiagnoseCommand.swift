import ArgumentParser
import BackstopCore
import Foundation

/// `backstop diagnose`: classifies a backup tool's output, as Backstop does for failed backups.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Classify backup tool output into a failure cause; prints JSON {cause, confidence, evidence, rule}.",
        discussion:
            """
            Reads FILE, or standard input when FILE is - or absent. With --config, the configuration's diagnosis.rules are checked first.
            With --jsonl, each input line is one JSON object {"text": …, "tool": …, "exit_code": …} and each output line one verdict             (or {"line": n, "error": …} for a line that cannot be read); the exit status is 1 if any line could not be read.
            """)

    @Option(help: ArgumentHelp("The tool that printed the output (restic, rsync, pgbackrest…), to read its exit codes.", valueName: "name"))
    var tool: String?

    @Option(help: ArgumentHelp("The tool's exit code.", valueName: "n"))
    var exitCode: Int?

    @Option(name: .shortAndLong, help: ArgumentHelp("Configuration whose diagnosis.rules to use.", valueName: "file"))
    var config: String?

    @Flag(help: "Batch mode: one JSON request per input line, one JSON verdict per output line.")
    var jsonl = false

    @Argument(help: "File with the tool's output (or, with --jsonl, the requests), or - for standard input.")
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
        let handle: FileHandle
        do {
            handle = file == "-" ? FileHandle.standardInput : try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        if jsonl { return try runBatch(handle: handle, rules: rules) }
        let data: Data
        do {
            data = try handle.read(upToCount: Self.inputLimit) ?? Data()
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let output = String(decoding: data, as: UTF8.self)
        let diagnosis = FailureClassifier(userRules: rules).diagnose(output: output, exitCode: exitCode, tool: tool)
        print(String(decoding: try JSONEncoder.api.encode(diagnosis), as: UTF8.self))
    }

    private func runBatch(handle: FileHandle, rules: [DiagnosisRule]) throws {
        // --tool and --exit-code apply to every line that does not give its own.
        let batch = DiagnoseBatch(classifier: FailureClassifier(userRules: rules), tool: tool, exitCode: exitCode)
        let source = file == "-" ? "stdin" : file
        let bad = try batch.run(
            read: { try handle.read(upToCount: 1 << 16) },
            write: { FileHandle.standardOutput.write($0) },
            report: { printError("\(source): \($0)") })
        if bad > 0 {
            printError("\(bad) line(s) could not be read; their verdict lines say why")
            throw ExitCode(1)
        }
    }
}
