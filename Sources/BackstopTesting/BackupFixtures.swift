import Foundation

/// Real backup artifacts made with the real tools: tar.gz archives of SQL dumps, sidecar
/// checksums written by `sha256sum`, and the ways they go wrong.
package struct BackupFixtures {
    package let directory: TemporaryDirectory

    package init(directory: TemporaryDirectory) {
        self.directory = directory
    }

    /// A gzip'd tar holding `name.sql` of roughly `rows` lines; returns the archive's path.
    @discardableResult
    package func archive(_ relative: String, sqlName: String = "dump.sql", rows: Int = 200, sidecar: Bool = true) async throws -> String {
        let staging = try TemporaryDirectory("backstop-staging")
        let sql = (0..<rows).map { "INSERT INTO t VALUES (\($0), 'row \($0)');" }.joined(separator: "\n") + "\n"
        try staging.write(sqlName, sql)
        let target = directory.file(relative)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try await Shell.run(["tar", "-czf", target, "-C", staging.path, sqlName])
        if sidecar { try await writeSidecar(for: target) }
        return target
    }

    /// A gzip'd SQL dump made with `gzip -n`, so the same rows always give the same bytes.
    @discardableResult
    package func gzip(_ relative: String, rows: Int = 200, sidecar: Bool = true) async throws -> String {
        let sql = (0..<rows).map { "INSERT INTO t VALUES (\($0), 'row \($0)');" }.joined(separator: "\n") + "\n"
        let target = directory.file(relative)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let staging = try TemporaryDirectory("backstop-staging")
        let plain = try staging.write("dump.sql", sql)
        try await Shell.run(["sh", "-c", "gzip -n -c \"$0\" > \"$1\"", plain, target])
        if sidecar { try await writeSidecar(for: target) }
        return target
    }

    /// Writes `<artifact>.sha256` with `sha256sum`, as backup scripts do.
    package func writeSidecar(for artifact: String) async throws {
        let directoryPath = (artifact as NSString).deletingLastPathComponent
        let name = (artifact as NSString).lastPathComponent
        let line = try await Shell.run(["sha256sum", name], in: directoryPath)
        try line.write(toFile: artifact + ".sha256", atomically: false, encoding: .utf8)
    }

    /// Cuts the file to `bytes`, as an interrupted transfer does.
    package func truncate(_ path: String, to bytes: Int) async throws {
        try await Shell.run(["truncate", "-s", "\(bytes)", path])
    }

    /// Flips one byte in the middle of the file: silent corruption.
    package func corrupt(_ path: String) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        let byte = try handle.read(upToCount: 1) ?? Data([0])
        try handle.seek(toOffset: size / 2)
        try handle.write(contentsOf: Data([byte[0] ^ 0xFF]))
    }

    /// Sets the file's modification time.
    package func setModified(_ path: String, to date: Date) throws {
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }
}
