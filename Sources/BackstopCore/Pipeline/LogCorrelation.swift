import Foundation

/// Pulls the logs of a failed backup's service and its adjacent services for the failure
/// window from every configured source, within a time limit per source, and correlates them.
/// A slow or failing source is named in the result; it never blocks or drops the report.
package struct LogCorrelation: Sendable {
    package var sources: [any LogSource]
    package var paddingBefore: Duration
    package var paddingAfter: Duration
    package var timeout: Duration
    /// Lines read per service and source.
    package var limit: Int
    package var correlator: LogCorrelator

    package init(
        sources: [any LogSource], paddingBefore: Duration = .seconds(1_800), paddingAfter: Duration = .seconds(300),
        timeout: Duration = .seconds(10), limit: Int = 5_000, correlator: LogCorrelator = LogCorrelator()
    ) {
        self.sources = sources
        self.paddingBefore = paddingBefore
        self.paddingAfter = paddingAfter
        self.timeout = timeout
        self.limit = limit
        self.correlator = correlator
    }

    /// The services whose logs matter for an asset: its own first, then its neighbours.
    package static func services(of asset: Asset) -> [(service: String, role: String)] {
        let own = asset.service ?? asset.name
        return [(own, "source")] + asset.adjacent.filter { $0 != own }.map { ($0, "adjacent") }
    }

    package func correlate(_ outcome: VerificationOutcome, asset: Asset) async -> CorrelatedLogs {
        let focus = outcome.toolReport?.finishedAt ?? outcome.producedAt ?? outcome.window?.end ?? outcome.verifiedAt
        let start = (outcome.window?.start ?? min(focus, outcome.verifiedAt).addingTimeInterval(-3_600)).addingTimeInterval(
            -paddingBefore.seconds)
        let end = max(focus, outcome.verifiedAt).addingTimeInterval(paddingAfter.seconds)
        return await correlate(
            roles: Self.services(of: asset), focus: focus,
            evidence: outcome.diagnosis?.evidence ?? outcome.failedChecks.map(\.evidence.message), from: start, to: end)
    }

    /// Correlates the logs of `roles` (service, role) between `start` and `end` around `focus`;
    /// lines sharing words with `evidence` rank first. Alerts use this directly: they have no
    /// verification outcome, only a start time and the services they name.
    package func correlate(
        roles: [(service: String, role: String)], focus: Date, evidence: [String], from start: Date, to end: Date
    ) async -> CorrelatedLogs {
        let (lines, problems) = await fetch(services: roles.map(\.service), from: start, to: end)
        return correlator.correlate(
            lines: lines, roles: roles, focus: focus, evidence: evidence, windowStart: start, windowEnd: end, sourceProblems: problems)
    }

    private func fetch(services: [String], from start: Date, to end: Date) async -> ([String: [LogLine]], [String]) {
        let limit = limit
        let timeout = timeout
        return await withTaskGroup(of: (String, Result<[LogLine], LogSourceError>).self) { group in
            for source in sources {
                for service in services {
                    group.addTask {
                        let result = await withDeadline(timeout) { () -> Result<[LogLine], LogSourceError> in
                            do throws(LogSourceError) {
                                return .success(try await source.lines(of: service, from: start, to: end, limit: limit))
                            } catch {
                                return .failure(error)
                            }
                        }
                        return (service, result ?? .failure(LogSourceError("\(source.name): no answer within \(timeout) for \(service)")))
                    }
                }
            }
            var lines: [String: [LogLine]] = [:]
            var problems: [String] = []
            for await (service, result) in group {
                switch result {
                case .success(let found): lines[service, default: []] += found
                case .failure(let error): problems.append(error.message)
                }
            }
            return (lines, Array(Set(problems)).sorted())
        }
    }
}
