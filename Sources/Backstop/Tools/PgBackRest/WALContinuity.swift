import BackstopCore
import Foundation

/// The `wal_archive` check: every WAL segment from the newest backup's start to the newest
/// archived segment is in the repository. A gap means the backup restores, but point-in-time
/// recovery past the gap is impossible, so it is a failure with the gap as evidence.
struct WALContinuity: Sendable {
    let invocation: ToolInvocation

    func check(_ artifact: Artifact, source: PgBackRestSource, info: PgBackRestInfo?) async -> CheckResult {
        guard let info, let backup = info.backup.first(where: { $0.label == artifact.reference }),
            let start = backup.archive?.start.flatMap(WALSegment.init), let range = info.archiveRange(of: backup),
            let newest = range.max.flatMap(WALSegment.init)
        else { return .skipped(.walArchive, "pgbackrest info names no archived WAL for this backup") }
        guard newest.timeline == start.timeline else {
            return .skipped(
                .walArchive, "the archive moved to timeline \(newest.timeline) after the backup; continuity is checked within one timeline")
        }
        let listing: String
        do {
            listing = try await invocation.output(PgBackRestCommand.listArchive(source, archiveID: range.id), environment: [:])
        } catch {
            return .failed(.walArchive, "could not list the WAL archive: \(error.message)", excerpt: error.output)
        }
        let archived = Self.segments(inListing: listing)
        var missing: [WALSegment] = []
        var segment = start
        var steps = 0
        while segment <= newest, steps < 1_000_000 {
            if !archived.contains(segment.name) { missing.append(segment) }
            segment = segment.next
            steps += 1
        }
        guard let first = missing.first, let last = missing.last else {
            return .passed(.walArchive, "WAL archived without a gap from \(start.name) (backup \(backup.label)) to \(newest.name)")
        }
        let gap = missing.count == 1 ? first.name : "\(first.name) … \(last.name) (\(missing.count) segments)"
        return .failed(
            .walArchive, "the WAL archive has a gap after backup \(backup.label): \(gap) missing; recovery cannot pass it",
            expected: "every segment from \(start.name) to \(newest.name)", actual: "missing \(gap)")
    }

    /// Segment names in `pgbackrest repo-ls --recurse --output=json`: files named
    /// `<24 hex digits>-<checksum>[.gz|.lz4|.zst|…]`; `.backup` and `.history` files are not segments.
    static func segments(inListing output: String) -> Set<String> {
        guard let json = output.split(separator: "\n").first(where: { $0.hasPrefix("{") }),
            let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        else { return [] }
        var names: Set<String> = []
        for path in object.keys {
            let file = path.split(separator: "/").last.map(String.init) ?? path
            guard file.count > 25, file.dropFirst(24).first == "-" else { continue }
            let name = String(file.prefix(24))
            if name.allSatisfy(\.isHexDigit) { names.insert(name.uppercased()) }
        }
        return names
    }
}

/// A WAL segment name, `TTTTTTTTLLLLLLLLSSSSSSSS`, with 16 MiB segments (PostgreSQL's default:
/// 256 segments per log file).
struct WALSegment: Comparable, Sendable {
    var timeline: UInt32
    var log: UInt32
    var segment: UInt32

    init?(_ name: String) {
        guard name.count == 24, let timeline = UInt32(name.prefix(8), radix: 16),
            let log = UInt32(name.dropFirst(8).prefix(8), radix: 16), let segment = UInt32(name.suffix(8), radix: 16)
        else { return nil }
        (self.timeline, self.log, self.segment) = (timeline, log, segment)
    }

    var name: String { String(format: "%08X%08X%08X", timeline, log, segment) }

    var next: WALSegment {
        var next = self
        if segment >= 0xFF {
            next.log += 1
            next.segment = 0
        } else {
            next.segment += 1
        }
        return next
    }

    static func < (lhs: WALSegment, rhs: WALSegment) -> Bool {
        (lhs.timeline, lhs.log, lhs.segment) < (rhs.timeline, rhs.log, rhs.segment)
    }
}
