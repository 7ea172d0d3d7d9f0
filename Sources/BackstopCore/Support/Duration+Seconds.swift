extension Duration {
    /// The duration as fractional seconds, for `Date` arithmetic and metrics.
    package var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
