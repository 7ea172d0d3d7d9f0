import BackstopCore
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Probes an asset's backup target when its backup failed: the artifact directory (exists,
/// readable, free space and inodes) and, when `backup.target` names one, the TCP endpoint
/// (DNS and connect). Each probe is bounded by `timeout`, so a dead NFS mount or a black-holed
/// host cannot hold up the run.
package struct TargetProbe: FailureProbe {
    package var timeout: Duration
    /// Free space below this (or below 1 %) reads as a full disk.
    package var lowSpaceBytes: Int64 = 64 << 20

    package init(timeout: Duration = .seconds(3)) {
        self.timeout = timeout
    }

    package func probe(_ asset: Asset) async -> [ProbeFinding] {
        var findings: [ProbeFinding] = []
        let directory = Self.staticDirectory(of: asset.backup.path)
        let lowSpace = lowSpaceBytes
        let timeout = timeout
        findings +=
            await withDeadline(timeout, blocking: { Self.probeDirectory(directory, lowSpace: lowSpace) })
            ?? [ProbeFinding(cause: nil, "file system probe of \(directory) gave no answer within \(timeout) (hung mount?)")]
        if let target = asset.backup.target {
            findings +=
                await withDeadline(timeout, { await Self.probeEndpoint(target, timeout: timeout) })
                ?? [ProbeFinding(cause: .networkTimeout, "connecting to \(target) gave no answer within \(timeout)")]
        }
        return findings
    }

    // MARK: - File system

    /// The longest leading part of a path pattern without glob or template characters.
    static func staticDirectory(of pattern: String) -> String {
        var components: [Substring] = []
        for component in pattern.split(separator: "/", omittingEmptySubsequences: false).dropLast() {
            if component.contains(where: { "*?[{".contains($0) }) { break }
            components.append(component)
        }
        let joined = components.joined(separator: "/")
        return joined.isEmpty ? "/" : joined
    }

    static func probeDirectory(_ directory: String, lowSpace: Int64) -> [ProbeFinding] {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            if errno == EACCES { return [ProbeFinding(cause: .permissionDenied, "cannot reach \(directory): \(reason)")] }
            return [
                ProbeFinding(cause: .targetDown, "backup directory \(directory) is not there (\(reason)); is the backup volume mounted?")
            ]
        }
        if access(directory, R_OK | X_OK) != 0 {
            return [
                ProbeFinding(
                    cause: .permissionDenied,
                    "backup directory \(directory) is not readable by Backstop (uid \(getuid())): \(String(cString: strerror(errno)))")
            ]
        }
        var findings: [ProbeFinding] = []
        var fs = statvfs()
        if statvfs(directory, &fs) == 0 {
            let available = Int64(fs.f_bavail) * Int64(fs.f_frsize)
            let total = Int64(fs.f_blocks) * Int64(fs.f_frsize)
            let line = "\(directory): \(ByteSize.format(available)) free of \(ByteSize.format(total)), \(fs.f_favail) inodes free"
            let full = total > 0 && (available < lowSpace || Double(available) / Double(total) < 0.01)
            if full {
                findings.append(ProbeFinding(cause: .diskFull, line))
            } else if fs.f_files > 0 && fs.f_favail == 0 {
                findings.append(ProbeFinding(cause: .diskFull, line + " (no inodes left)"))
            } else {
                findings.append(ProbeFinding(cause: nil, line))
            }
        }
        if access(directory, W_OK) != 0 && errno == EROFS {
            findings.append(ProbeFinding(cause: .permissionDenied, "\(directory) is on a read-only file system"))
        }
        return findings
    }

    // MARK: - Network

    static func probeEndpoint(_ target: String, timeout: Duration) async -> [ProbeFinding] {
        guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]) else {
            return [ProbeFinding(cause: nil, "backup.target '\(target)' is not HOST:PORT; not probed")]
        }
        let host = String(target[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(
                .milliseconds(Int64(timeout.seconds * 1000)))
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            try? await channel.close()
            return [ProbeFinding(cause: nil, "\(target) accepts TCP connections")]
        } catch {
            let text = "\(error)"
            if text.contains("connectTimeout") || text.contains("timed out") {
                return [ProbeFinding(cause: .networkTimeout, "connecting to \(target) timed out after \(timeout)")]
            }
            if text.contains("refused") {
                return [ProbeFinding(cause: .targetDown, "\(target) refused the connection (nothing listens there)")]
            }
            if text.contains("resolve") || text.contains("NXDOMAIN") || text.contains("Name or service") || text.contains("nodename") {
                return [ProbeFinding(cause: .targetDown, "cannot resolve \(host): \(text)")]
            }
            return [ProbeFinding(cause: .targetDown, "cannot connect to \(target): \(text)")]
        }
    }
}
