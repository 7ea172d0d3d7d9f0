import Foundation
import Logging

/// What a Backstop that died without shutting down (SIGKILL, power cut, OOM killer) left of its
/// restore tests: processes still running and scratch directories. Cleared at start; only
/// Backstop's own directories and processes whose Backstop is gone are touched, so a
/// `backstop verify` beside a running `serve` leaves the server's restores alone.
package enum LeftoverRestores {
    package struct Cleared: Equatable, Sendable {
        package var processes = 0
        package var directories = 0
    }

    @discardableResult
    package static func clear(scratchRoot: String, logger: Logger) async -> Cleared {
        var cleared = Cleared()
        let root = scratchRoot.hasSuffix("/") ? String(scratchRoot.dropLast()) : scratchRoot
        cleared.processes = await RestoreProcesses.kill(where: { isOrphaned($0, root: root) })
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for entry in entries.sorted() {
            guard let name = ScratchDirectoryName(parsing: entry), !name.owner.isAlive else { continue }
            let path = "\(root)/\(entry)"
            var status = stat()
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { continue }
            ScratchCleanup.makeDirectoriesWritable(under: path)
            do {
                try FileManager.default.removeItem(atPath: path)
                cleared.directories += 1
            } catch {
                logger.error("could not remove a leftover scratch directory", metadata: ["path": "\(path)", "error": "\(error)"])
            }
        }
        if cleared != Cleared() {
            logger.warning(
                "cleared what an earlier Backstop left of its restore tests",
                metadata: ["processes_killed": "\(cleared.processes)", "scratch_directories_removed": "\(cleared.directories)"])
        }
        return cleared
    }

    /// A marker naming a scratch directory directly under `root` whose Backstop is gone.
    private static func isOrphaned(_ scratch: String, root: String) -> Bool {
        guard scratch.hasPrefix(root + "/") else { return false }
        let entry = scratch.dropFirst(root.count + 1)
        guard !entry.contains("/"), let name = ScratchDirectoryName(parsing: String(entry)) else { return false }
        return !name.owner.isAlive
    }
}
