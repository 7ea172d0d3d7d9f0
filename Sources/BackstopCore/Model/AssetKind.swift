/// What kind of thing an asset is; used for grouping on the status board and in reports.
package enum AssetKind: String, Sendable, Codable, CaseIterable {
    case database
    case service
    case volume
    case objectStore = "object_store"
}
