/// Restores an artifact into a fresh scratch directory, validates it and always cleans up.
/// A failing restore is a value (``RestoreOutcome``), never a thrown error.
package protocol RestoreTester: Sendable {
    func test(asset: Asset, spec: RestoreSpec, artifact: Artifact) async -> RestoreOutcome
}
