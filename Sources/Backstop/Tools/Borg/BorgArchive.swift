import BackstopCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One archive of `borg list --json`, and how an asset's `archive_glob` picks the newest.
struct BorgArchive: Sendable, Equatable {
    var name: String
    var start: Date

    /// borg prints archive times as local times without an offset (`2026-12-04T02:10:00.000000`),
    /// in the time zone of the machine that runs it: Backstop's own.
    static func decodeListing(_ output: String, timeZone: TimeZone = .current) throws(InspectionError) -> [BorgArchive] {
        struct Listing: Decodable {
            struct Entry: Decodable {
                var name: String
                var start: String
            }
            var archives: [Entry]
        }
        guard let start = output.firstIndex(of: "{"),
            let listing = try? JSONDecoder().decode(Listing.self, from: Data(output[start...].utf8))
        else {
            throw InspectionError("borg list printed no JSON listing Backstop can read", output: ToolInvocation.lastLines(of: output))
        }
        var archives: [BorgArchive] = []
        for entry in listing.archives {
            guard let date = parseTime(entry.start, timeZone: timeZone) else {
                throw InspectionError("borg list gave archive \(entry.name) the start time '\(entry.start)', not an ISO 8601 time")
            }
            archives.append(BorgArchive(name: entry.name, start: date))
        }
        return archives
    }

    static func parseTime(_ text: String, timeZone: TimeZone) -> Date? {
        if let zoned = RFC3339.parse(text) { return zoned }
        let parts = text.split(separator: ".", maxSplits: 1)
        guard let whole = parts.first else { return nil }
        var strategy = Date.ISO8601FormatStyle(timeZone: timeZone)
        strategy = strategy.year().month().day().time(includingFractionalSeconds: false).dateTimeSeparator(.standard)
        guard let date = try? strategy.parse(String(whole)) else { return nil }
        let fraction = parts.count > 1 ? Double("0." + parts[1]) ?? 0 : 0
        return date.addingTimeInterval(fraction)
    }

    /// The newest archive whose name matches the shell-style glob (every archive without one).
    static func newest(in archives: [BorgArchive], glob: String?) -> BorgArchive? {
        archives.filter { archive in glob.map { fnmatch($0, archive.name, 0) == 0 } ?? true }.max { $0.start < $1.start }
    }
}

/// The sizes `borg info --json ::ARCHIVE` reports for one archive.
struct BorgArchiveStats: Sendable, Equatable {
    var originalSize: Int64
    var compressedSize: Int64
    var deduplicatedSize: Int64

    static func decode(_ output: String) throws(InspectionError) -> BorgArchiveStats {
        struct Info: Decodable {
            struct Archive: Decodable { var stats: Stats }
            struct Stats: Decodable {
                var originalSize: Int64
                var compressedSize: Int64
                var deduplicatedSize: Int64
                enum CodingKeys: String, CodingKey {
                    case originalSize = "original_size"
                    case compressedSize = "compressed_size"
                    case deduplicatedSize = "deduplicated_size"
                }
            }
            var archives: [Archive]
        }
        guard let start = output.firstIndex(of: "{"),
            let info = try? JSONDecoder().decode(Info.self, from: Data(output[start...].utf8)), let stats = info.archives.first?.stats
        else {
            throw InspectionError("borg info printed no archive sizes Backstop can read", output: ToolInvocation.lastLines(of: output))
        }
        return BorgArchiveStats(
            originalSize: stats.originalSize, compressedSize: stats.compressedSize, deduplicatedSize: stats.deduplicatedSize)
    }
}
