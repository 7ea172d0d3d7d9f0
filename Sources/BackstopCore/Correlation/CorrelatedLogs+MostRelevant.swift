extension CorrelatedLogs {
    /// The most relevant lines across the failure's services (`service: line`), in time order.
    package func mostRelevantLines(limit: Int = 8) -> [String] {
        let lines = services.flatMap { service in service.lines.map { (service: service.service, line: $0) } }
        return lines.sorted { $0.line.relevance > $1.line.relevance }.prefix(limit).sorted { $0.line.first < $1.line.first }.map {
            "\($0.service): \($0.line.text)" + ($0.line.count > 1 ? " (×\($0.line.count))" : "")
        }
    }

}
