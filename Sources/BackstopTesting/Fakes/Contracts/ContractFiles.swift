import Foundation

/// Finds the official API contracts (OpenAPI documents, GraphQL SDL, vendor docs) that the fakes
/// validate against. They live outside the repository (`shared/contracts` next to the checkout)
/// and are read at run time, never copied in.
package enum ContractFiles {
    /// The environment variable that overrides where the contracts are.
    package static let environmentVariable = "BACKSTOP_CONTRACTS_DIR"

    /// Where the contracts are on the development machines when nothing else finds them.
    package static let fallbackDirectory = "/work/shared/contracts"

    /// The contracts directory: `$BACKSTOP_CONTRACTS_DIR`, else the nearest `shared/contracts` above
    /// this source file, else ``fallbackDirectory``.
    package static func directory(
        environment: [String: String] = ProcessInfo.processInfo.environment, filePath: String = #filePath
    ) throws -> URL {
        let fileManager = FileManager.default
        func isDirectory(_ url: URL) -> Bool {
            var directory: ObjCBool = false
            return fileManager.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
        }
        if let configured = environment[environmentVariable], !configured.isEmpty {
            let url = URL(fileURLWithPath: configured, isDirectory: true)
            // An explicit setting that points nowhere is a mistake to report, not to paper over.
            guard isDirectory(url) else {
                throw ContractFilesError(message: "\(environmentVariable)=\(configured) is not a directory")
            }
            return url
        }
        var ancestor = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while ancestor.path != "/" && !ancestor.path.isEmpty {
            let candidate = ancestor.appendingPathComponent("shared/contracts", isDirectory: true)
            if isDirectory(candidate) { return candidate }
            ancestor = ancestor.deletingLastPathComponent()
        }
        let fallback = URL(fileURLWithPath: fallbackDirectory, isDirectory: true)
        if isDirectory(fallback) { return fallback }
        throw ContractFilesError(
            message:
                "API contracts not found: \(environmentVariable) is not set, no shared/contracts directory above \(filePath), "
                + "and \(fallbackDirectory) does not exist")
    }

    /// The URL of one contract file, checked to exist.
    package static func url(_ name: String) throws -> URL {
        let url = try directory().appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ContractFilesError(message: "API contract \(name) not found in \(url.deletingLastPathComponent().path)")
        }
        return url
    }

    /// The bytes of one contract file.
    package static func data(_ name: String) throws -> Data {
        try Data(contentsOf: url(name))
    }
}

package struct ContractFilesError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
