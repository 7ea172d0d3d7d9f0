import ArgumentParser
import BackstopCore
import Foundation

/// `backstop trends`: failure rates, MTTR, recurring causes and restore trends from the record.
struct TrendsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trends",
        abstract: "Trends from the record: failure rate per asset, MTTR, recurring causes, slow and slowing restores.",
        discussion: "Reads the store only. The weekly digest (digest: in the configuration) is the same report for 7 days.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "The period, ending now: e.g. 7d, 30d, 12h.")
    var window = "30d"

    @Option(help: "Output format: md or json.")
    var format: TrendFormat = .md

    enum TrendFormat: String, ExpressibleByArgument, CaseIterable {
        case md
        case json
    }

    func run() async throws {
        guard let period = Units.duration(window), period > .zero else {
            throw ValidationError("--window \(window) is not a duration; write e.g. 30d, 7d or 12h")
        }
        let configuration = try options.loadConfiguration(secrets: .ifReadable)
        let store = try await RecordStores.open(configuration, logger: options.makeLogger())
        let end = Date()
        let start = end.addingTimeInterval(-period.seconds)
        let report = try await store.trendReport(assets: configuration.assets, from: start, to: end)
        switch format {
        case .md: print(TrendMarkdown.render(report), terminator: "")
        case .json: print(String(decoding: try JSONEncoder.api.encode(report), as: UTF8.self))
        }
    }
}
