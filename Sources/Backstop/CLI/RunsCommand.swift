import ArgumentParser
import BackstopCore
import Foundation

/// `backstop runs`: lists recent runs from the record.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List the most recent verification runs.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "How many runs to show.")
    var limit = 20

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() async throws {
        let configuration = try options.loadConfiguration(secrets: .ifReadable)
        let store = try await RecordStores.open(configuration, logger: options.makeLogger())
        let runs = try await store.recentRuns(limit: limit)
        switch format {
        case .json:
            print(String(decoding: try JSONEncoder.api.encode(runs), as: UTF8.self))
        case .text:
            for run in runs {
                let trigger = run.trigger.kind + (run.trigger.detail.map { " \($0)" } ?? "")
                print(
                    "\(run.id)  \(RFC3339.format(run.finishedAt))  \(run.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(run.failed)/\(run.assets) failed  \(trigger)"
                )
            }
        }
    }
}

package enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text
    case json
}
