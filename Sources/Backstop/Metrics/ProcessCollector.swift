import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The standard `process_*` metrics, read from `/proc/self` as the Prometheus client libraries
/// do. Reading is kept apart from parsing so the parser is tested on strings.
///
/// A scrape at 10,000 assets otherwise only hands out cached bytes, so this was most of its
/// work (a third of a scrape's CPU in a profile, most of it splitting all of `/proc/stat` for
/// the boot time at every scrape). So the lines are kept for a second
/// (``recentExposition(maxAge:)``), what cannot change (the boot time, the process's start time,
/// clock ticks, the page size) is read once, and the two reads per refresh use plain `read(2)`
/// and `readdir(3)` instead of Foundation's file and directory reads.
enum ProcessCollector {
    /// The lines of the last read and when it was.
    private static let recent = Mutex<(at: ContinuousClock.Instant, text: String)?>(nil)

    /// The lines read at most `maxAge` ago: under a burst of scrapes (or several Prometheus
    /// servers) `/proc` is read once a second, not per scrape, and a scrape only hands out bytes.
    /// A second is below any scrape interval, so each scrape of a Prometheus server is fresh.
    static func recentExposition(maxAge: Duration = .seconds(1)) -> String { recentRead(maxAge: maxAge).text }

    /// The lines read at most `maxAge` ago, and when they were read (a scrape body assembled with
    /// them is current until the next read).
    static func recentRead(maxAge: Duration = .seconds(1)) -> (at: ContinuousClock.Instant, text: String) {
        let now = ContinuousClock.now
        if let kept = recent.withLock({ $0 }), now - kept.at < maxAge { return kept }
        let text = exposition()
        recent.withLock { $0 = (now, text) }
        return (now, text)
    }

    private static let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    private static let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
    /// When the process started (Unix seconds); nil until `/proc` could be read.
    private static let startTime: Double? = {
        guard let stat = readSmallFile("/proc/self/stat").flatMap(parseStat) else { return nil }
        return (readBootTime() ?? 0) + Double(stat.startTicks) / ticks
    }()

    static func exposition() -> String {
        guard let parsed = readSmallFile("/proc/self/stat").flatMap(parseStat) else { return "" }
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let lines: [(String, String, String, Double)] = [
            (
                "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
                Double(parsed.utime + parsed.stime) / ticks
            ),
            ("process_max_fds", "gauge", "Maximum number of open file descriptors.", Double(limit.rlim_cur)),
            ("process_open_fds", "gauge", "Number of open file descriptors.", Double(countOpenFileDescriptors())),
            ("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", Double(parsed.rssPages) * pageSize),
            (
                "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
                startTime ?? 0
            ),
            ("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", Double(parsed.virtualBytes)),
        ]
        return lines.map { "# HELP \($0.0) \($0.2)\n# TYPE \($0.0) \($0.1)\n\($0.0) \(format($0.3))\n" }.joined()
    }

    struct Stat: Equatable {
        var utime: Int64
        var stime: Int64
        var startTicks: Int64
        var virtualBytes: Int64
        var rssPages: Int64
    }

    /// Parses `/proc/[pid]/stat`; the command name (field 2) may contain spaces and parentheses.
    static func parseStat(_ text: String) -> Stat? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); utime is field 14, stime 15, starttime 22, vsize 23, rss 24.
        func field(_ number: Int) -> Int64? { fields.count > number - 3 ? Int64(fields[number - 3]) : nil }
        guard let utime = field(14), let stime = field(15), let start = field(22), let vsize = field(23), let rss = field(24)
        else { return nil }
        return Stat(utime: utime, stime: stime, startTicks: start, virtualBytes: vsize, rssPages: rss)
    }

    /// The boot time from `/proc/stat`'s `btime` line (read once: it is long on many-core hosts).
    static func parseBootTime(_ text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    private static func readBootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        return parseBootTime(text)
    }

    /// A `/proc` file of at most 4 KiB (`stat` is about 300 bytes) with one `read(2)`.
    private static func readSmallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buffer -> String? in
            guard let base = buffer.baseAddress else { return nil }
            let count = read(descriptor, base, buffer.count)
            guard count > 0 else { return nil }
            return String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
        }
    }

    /// The entries of `/proc/self/fd` (the one this count reads through included, as the Go and
    /// Java clients count).
    private static func countOpenFileDescriptors() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        // The name is read in place, never as `entry.pointee.d_name`: that copies the whole
        // 256-byte field, but a record is only as long as its name, so the copy of the last
        // record in readdir's buffer can run off the mapped page (a crash seen under load).
        guard let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) else { return 0 }
        let dot = CChar(UInt8(ascii: "."))
        var count = 0
        while let entry = readdir(directory) {
            let name = UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self)
            // Short-circuits at the name's NUL, so nothing past it is read.
            let isDot = name[0] == dot && (name[1] == 0 || (name[1] == dot && name[2] == 0))
            if !isDot { count += 1 }
        }
        return count
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
