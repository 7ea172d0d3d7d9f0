/// Receives progress while a run verifies, e.g. to draw a progress line in a terminal.
package protocol VerificationProgress: Sendable {
    func planned(assets: Int)
    func hashed(bytes: Int)
    func finished(asset: String)
}

/// Progress that goes nowhere (servers, non-terminals).
package struct SilentProgress: VerificationProgress {
    package init() {}
    package func planned(assets: Int) {}
    package func hashed(bytes: Int) {}
    package func finished(asset: String) {}
}
