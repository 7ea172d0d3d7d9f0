import ArgumentParser
import BackstopCore
import Foundation

/// `backstop report RUN_ID`: the incident report of a recorded run.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the incident report of a run: failed backups, causes, evidence, correlated logs, timeline.",
        discussion: "Logs are read now from the configured sources for each failure's window. `backstop runs` lists run ids.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The run's id (run_YYYYMMDD_HHMM_xxxxxx), or 'latest'.")
    var runID: String

    @Option(help: "Output format: md or json.")
    var format: ReportFormat = .md

    func run() async throws {
        let configuration = try options.loadConfiguration(secrets: .ifReadable)
        let services = try await BackstopServices.make(configuration: configuration, logger: options.makeLogger())
        var id = runID
        if id == "latest" {
            guard let latest = try await services.store.recentRuns(limit: 1).first else {
                throw ValidationError("the record has no runs yet; run `backstop verify` first")
            }
            id = latest.id
        }
        guard let run = try await services.store.run(id: id) else {
            throw ValidationError("no run with id '\(id)' in \(configuration.storeDescription); `backstop runs` lists them")
        }
        let report = await services.reporter.report(for: run)
        switch format {
        case .md: print(MarkdownReport.render(report), terminator: "")
        case .json: print(String(decoding: try JSONEncoder.api.encode(report), as: UTF8.self))
        }
    }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case md
    case json
}
