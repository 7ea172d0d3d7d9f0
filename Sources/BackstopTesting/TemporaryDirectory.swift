import Foundation

/// A directory under the system's temporary directory, removed when the test is done with it.
package final class TemporaryDirectory: Sendable {
    package let path: String

    package init(_ name: String = "backstop-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    package func file(_ relative: String) -> String { "\(path)/\(relative)" }

    /// Writes text, creating intermediate directories. Not atomically: Foundation's atomic writes
    /// on Linux leave `/tmp/TemporaryDirectory.*` folders behind.
    @discardableResult
    package func write(_ relative: String, _ text: String) throws -> String {
        let target = file(relative)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: target, atomically: false, encoding: .utf8)
        return target
    }
}
