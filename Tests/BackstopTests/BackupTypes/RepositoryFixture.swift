import BackstopTesting
import Foundation

/// A real repository of one backup type, built with the real tool, that the shared scenarios
/// of ``BackupTypeConformanceTests`` drive: every adapter must pass the same scenarios.
protocol RepositoryFixture: Sendable {
    /// The directory whose `orders.csv` is backed up (absolute, so restores recreate it
    /// under `{scratch}` at the same relative path for every tool).
    var dataDirectory: String { get }
    /// The asset's `backup:` mapping, without `type`, max_age or size.
    func backupYAML(_ variant: RepositoryVariant) -> String
    /// Backs up `orders.csv` with `rows` lines as made at `time`.
    func addBackup(rows: Int, at time: Date) async throws
    /// Flips bytes in the repository's stored data, as bit rot or a bad disk would.
    func damage() async throws
    /// Starts a live backup that holds the repository's lock until `release()` is called.
    func holdLock() async throws -> LockHolder
}

/// How the asset's configuration points at the repository.
enum RepositoryVariant {
    case correct
    case wrongPassword
    /// A repository location where there is none.
    case unreachable
}

/// A backup process that holds a repository lock; killed on release.
final class LockHolder: Sendable {
    private let process: ChildProcess

    /// Starts `argv` with its standard input kept open (so it never finishes) and waits until
    /// `isLocked` says the lock is held.
    init(_ argv: [String], isLocked: @escaping () -> Bool) async throws {
        process = try ChildProcess(executable: "/usr/bin/env", arguments: argv, keepingStandardInputOpen: true)
        // Polls the lock file itself: the condition the test needs, not a guess at timing.
        let deadline = Date().addingTimeInterval(30)
        while !isLocked() {
            guard !process.hasExited, Date() < deadline else {
                release()
                throw LockNotTaken(command: argv.joined(separator: " "), log: process.recentLines)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// SIGKILL, and returns once it is gone (milliseconds), so `defer` can call it.
    func release() {
        process.kill()
    }
}

struct LockNotTaken: Error, CustomStringConvertible {
    var command: String
    var log: [String]
    var description: String { "\(command) did not take the repository lock within 30 s; it said:\n\(log.joined(separator: "\n"))" }
}

extension Date {
    /// `2026-11-22 02:30:00` in UTC, as restic's --time and borg's --timestamp take it.
    var toolTimestamp: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: self)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0,
            parts.second ?? 0)
    }
}

/// Flips one byte in the middle of the largest file under `directory`: the pack or segment
/// that holds the backed-up data, as bit rot or a bad disk would damage it.
func flipBytesInLargestFile(under directory: String) throws {
    guard let walker = FileManager.default.enumerator(atPath: directory) else { return }
    var largest: (path: String, size: Int)?
    for case let relative as String in walker {
        let path = "\(directory)/\(relative)"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        guard attributes[.type] as? FileAttributeType == .typeRegular, let size = attributes[.size] as? Int else { continue }
        if size > largest?.size ?? 0 { largest = (path, size) }
    }
    guard let largest else { return }
    var bytes = try Data(contentsOf: URL(fileURLWithPath: largest.path))
    chmod(largest.path, 0o644)
    bytes[bytes.count / 2] ^= 0xFF
    try bytes.write(to: URL(fileURLWithPath: largest.path))
}
