import ArgumentParser
import BackstopCore
import Foundation

/// `backstop incidents list|show ID`: the incident ledger, read from the store.
struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents", abstract: "List incidents or show one with its timeline and deliveries.",
        subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List incidents, newest first.")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Show every incident, not only open ones.")
        var all = false

        @Option(help: "How many incidents to show.")
        var limit = 50

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        func run() async throws {
            let configuration = try options.loadConfiguration(secrets: .ifReadable)
            let store = try SQLiteRunStore(path: configuration.sqlitePath)
            let incidents = try await store.incidents(limit: limit, openOnly: !all)
            switch format {
            case .json: print(String(decoding: try JSONEncoder.api.encode(incidents), as: UTF8.self))
            case .text:
                if incidents.isEmpty { print(all ? "No incidents." : "No open incidents.") }
                for incident in incidents {
                    let tracker = incident.references.values.compactMap { $0.key ?? $0.url }.sorted().joined(separator: " ")
                    print(
                        "\(incident.id)  \(incident.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(RFC3339.format(incident.openedAt))  \(incident.asset)  \(incident.cause.rawValue)  ×\(incident.occurrences)  \(tracker)"
                    )
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one incident: summary, timeline, deliveries, report link.")

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The incident id (inc_…).")
        var id: String

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        func run() async throws {
            let configuration = try options.loadConfiguration(secrets: .ifReadable)
            let store = try SQLiteRunStore(path: configuration.sqlitePath)
            guard let detail = try await IncidentDetail.load(id: id, ledger: store, policy: configuration.incidents) else {
                printError("no incident with id '\(id)'; `backstop incidents list --all` shows them")
                throw ExitCode(1)
            }
            switch format {
            case .json: print(String(decoding: try JSONEncoder.api.encode(detail), as: UTF8.self))
            case .text: print(text(detail))
            }
        }

        private func text(_ detail: IncidentDetail) -> String {
            let incident = detail.incident
            var lines = [
                "\(incident.id)  \(incident.state.rawValue)  \(incident.title)", "", incident.summary, "",
                "asset \(incident.asset), schedule \(incident.schedule), cause \(incident.cause.rawValue), dedup key \(incident.dedupKey)",
                "opened \(RFC3339.format(incident.openedAt)), \(incident.occurrences) occurrence(s)"
                    + (incident.resolvedAt.map { ", resolved \(RFC3339.format($0))" } ?? ""),
            ]
            for (kind, reference) in incident.references.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                lines.append("\(kind.rawValue): \(reference.key ?? reference.id)" + (reference.url.map { " \($0)" } ?? ""))
            }
            if let url = detail.reportURL { lines.append("report: \(url)") }
            lines += ["", "Timeline:"] + detail.timeline.map { "  \(RFC3339.format($0.at))  \($0.kind.rawValue)  \($0.text)" }
            lines += ["", "Deliveries:"]
            lines += detail.deliveries.map { delivery in
                "  #\(delivery.id) \(delivery.sink.rawValue) \(delivery.action.rawValue): \(delivery.state.rawValue) after \(delivery.attempts) attempt(s)"
                    + (delivery.lastError.map { " — \($0)" } ?? "")
            }
            return lines.joined(separator: "\n")
        }
    }
}
