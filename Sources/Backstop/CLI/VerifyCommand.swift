import ArgumentParser
import BackstopCore
import Foundation

/// `backstop verify`: verifies now, appends the run to the record and prints what was found.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify backups now: exists, size, checksum, tool status, freshness, sampled restore tests.",
        discussion: "Exits 0 when every backup is healthy, 1 when any failed or is missing, 2 on configuration or usage errors.")

    @OptionGroup var options: GlobalOptions

    @Option(name: .customLong("asset"), help: ArgumentHelp("Verify only this asset (repeatable).", valueName: "name"))
    var assets: [String] = []

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let unknown = assets.filter { configuration.asset(named: $0) == nil }
        guard unknown.isEmpty else {
            throw ValidationError(
                "unknown asset \(unknown.map { "'\($0)'" }.joined(separator: ", ")); configured: \(configuration.assets.map(\.name).joined(separator: ", "))"
            )
        }
        let services = try await BackstopServices.make(configuration: configuration, logger: options.makeLogger())
        let request = VerificationRequest(trigger: .manual, assets: assets.isEmpty ? nil : assets)
        let run: VerificationRun
        if isatty(STDERR_FILENO) == 1 {
            let progress = TerminalProgress()
            run = try await services.runner.run(request, progress: progress)
            progress.clear()
        } else {
            run = try await services.runner.run(request)
        }
        switch format {
        case .json: print(String(decoding: try JSONEncoder.api.encode(run), as: UTF8.self))
        case .text: print(RunText.render(run), terminator: "")
        }
        if !run.failedOutcomes.isEmpty { throw ExitCode(1) }
    }
}
