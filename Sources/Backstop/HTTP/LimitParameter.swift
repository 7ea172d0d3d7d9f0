import Hummingbird

extension Request {
    /// `?limit=N` of the list routes: 1…1000, `default` when absent; anything else is a 400.
    func limitParameter(default defaultLimit: Int = 50) throws -> Int {
        let limit = uri.queryParameters.get("limit").map { Int($0) ?? 0 } ?? defaultLimit
        guard (1...1_000).contains(limit) else {
            throw HTTPError(.badRequest, message: "limit must be a whole number between 1 and 1000")
        }
        return limit
    }
}
