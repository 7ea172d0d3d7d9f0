import BackstopCore
import Foundation

/// Which backup tools the configuration needs that this host does not have, so `check-config`
/// and `serve` say so before the first verification records `missing_dependency`.
package enum ToolAvailability {
    package struct MissingTool: Sendable, Equatable {
        package var asset: String
        package var tool: String
        package var message: String { "asset \(asset) needs \(tool), which is not installed on this host (not found on PATH)" }
    }

    package static func missingTools(for assets: [Asset], path: String? = ProcessInfo.processInfo.environment["PATH"]) -> [MissingTool] {
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        var found: [String: Bool] = [:]
        return assets.compactMap { asset in
            guard let tool = asset.backup.source.tool else { return nil }
            let installed =
                found[tool]
                ?? directories.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
            found[tool] = installed
            return installed ? nil : MissingTool(asset: asset.name, tool: tool)
        }
    }
}
