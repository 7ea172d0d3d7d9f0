import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The standard `process_*` metrics, read from `/proc/self` at scrape time as the Prometheus
/// client libraries do. Reading is kept apart from parsing so the parser is tested on strings.
enum ProcessCollector {
    static func exposition() -> String {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let parsed = parseStat(stat)
        else { return "" }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        let openFDs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let bootTime = readBootTime() ?? 0
        let lines: [(String, String, String, Double)] = [
            (
                "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
                Double(parsed.utime + parsed.stime) / ticks
            ),
            ("process_max_fds", "gauge", "Maximum number of open file descriptors.", Double(limit.rlim_cur)),
            ("process_open_fds", "gauge", "Number of open file descriptors.", Double(openFDs)),
            ("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", Double(parsed.rssPages) * pageSize),
            (
                "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
                bootTime + Double(parsed.startTicks) / ticks
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

    private static func readBootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
