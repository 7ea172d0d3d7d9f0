import BackstopCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Finds and reads backup artifacts on a local or mounted file system.
package struct FileArtifactInspector: BackupAdapter {
    /// Schedules' time zones, so `{date:…}` paths use the schedule's calendar day.
    package var timeZones: [String: TimeZone]
    /// Status files and checksum files larger than this are refused, not read.
    package var smallFileLimit = 1 << 20

    package init(timeZones: [String: TimeZone]) {
        self.timeZones = timeZones
    }

    package func locate(_ backup: BackupSpec, window: BackupWindow?, now: Date) throws(InspectionError) -> Artifact? {
        var pattern = backup.path
        if DateTemplate.containsPlaceholder(pattern) {
            let zone = window.flatMap { timeZones[$0.schedule] } ?? TimeZone(identifier: "UTC") ?? .current
            pattern = DateTemplate.render(pattern, date: window?.start ?? now, timeZone: zone)
        }
        let candidates = try Glob.paths(matching: pattern).filter { !$0.hasSuffix(".sha256") }
        var newest: Artifact?
        for path in candidates {
            guard let artifact = try Self.fileInfo(path), artifact.isRegularFile else { continue }
            if let current = newest, current.modifiedAt >= artifact.artifact.modifiedAt { continue }
            newest = artifact.artifact
        }
        return newest
    }

    package func expectedChecksum(of artifact: Artifact, backup: BackupSpec) throws(InspectionError) -> String {
        let file: String
        switch backup.checksum {
        case .sidecar: file = artifact.path + ".sha256"
        case .manifest(let path): file = path
        case .none, .stored: throw InspectionError("no checksum file is kept for this backup")
        }
        let text = try readSmallFile(file)
        guard let checksum = ChecksumFile.checksum(for: artifact.path, in: text) else {
            throw InspectionError("\(file) lists no SHA-256 for \((artifact.path as NSString).lastPathComponent)")
        }
        return checksum
    }

    package func sha256(of artifact: Artifact, backup: BackupSpec, progress: @Sendable (Int) -> Void) throws(InspectionError) -> String {
        try StreamingHasher.sha256(path: artifact.path, progress: progress)
    }

    package func toolReport(at path: String) throws(InspectionError) -> ToolReport {
        let text = try readSmallFile(path)
        do {
            return try ToolReportDecoder.decode(Data(text.utf8))
        } catch {
            throw InspectionError("\(path): \(error.message)")
        }
    }

    // MARK: - File system

    private func readSmallFile(_ path: String) throws(InspectionError) -> String {
        guard let info = try Self.fileInfo(path) else { throw InspectionError("\(path) does not exist") }
        guard info.artifact.sizeBytes <= smallFileLimit else {
            throw InspectionError(
                "\(path) is \(ByteSize.format(info.artifact.sizeBytes)), larger than the \(ByteSize.format(Int64(smallFileLimit))) a status or checksum file may be"
            )
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw InspectionError("cannot read \(path): \(error.localizedDescription)")
        }
    }

    private static func fileInfo(_ path: String) throws(InspectionError) -> (artifact: Artifact, isRegularFile: Bool)? {
        var info = Glibc.stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw InspectionError("cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        let modified = Date(
            timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
        let isRegular = (info.st_mode & S_IFMT) == S_IFREG
        return (Artifact(path: path, sizeBytes: Int64(info.st_size), modifiedAt: modified), isRegular)
    }
}
