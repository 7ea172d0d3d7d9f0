import BackstopCore

/// One item of a durable queue done by one replica: the one that claims it. Without leases (one
/// process on its own store) the item is simply done.
enum SharedItem {
    static func once(
        _ key: String, leases: (any WorkLeases)?, _ work: @escaping @Sendable () async throws(StoreError) -> Void
    ) async throws(StoreError) {
        guard let leases else { return try await work() }
        let result = await leases.holding(key) { () async -> Result<Void, StoreError> in
            do throws(StoreError) {
                return .success(try await work())
            } catch {
                return .failure(error)
            }
        }
        // Not granted: another replica has it, and the record will say when it is done.
        try result?.get()
    }
}
