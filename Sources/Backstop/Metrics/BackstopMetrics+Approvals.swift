import BackstopCore

extension BackstopMetrics {
    /// The `decision` label values of `backstop_approvals_total`: a request, then its answer.
    static let approvalDecisions = ["requested", "approved", "denied", "expired"]

    /// Replaces the approval counts with the record's (any process may have answered a request,
    /// so they are read back rather than counted here).
    package func loadApprovals(_ counts: [String: Int]) {
        state.withLock { state in
            for decision in Self.approvalDecisions {
                state.approvals[decision] = max(state.approvals[decision] ?? 0, counts[decision] ?? 0)
            }
            rerenderApprovals(&state)
        }
    }

    func rerenderApprovals(_ state: inout State) {
        var writer = ExpositionWriter()
        writer.begin(MetricNames.approvals, .counter)
        writer.sortedSamples(state.approvals.map { ([("decision", $0.key)], .int($0.value)) })
        writer.end()
        state.cache.replace(writer.families)
    }
}
