import BackstopCore
import Foundation

/// Reads services' logs from the systemd journal with `journalctl -o json`, through the
/// process runner: the local journal, or journal files (`--directory`/`--file`), which is how
/// remote journals collected by systemd-journal-remote are read.
package struct JournaldLogSource<Runner: ProcessRunning>: LogSource {
    package var runner: Runner
    /// Unit name template, e.g. `{service}.service`.
    package var unitTemplate: String
    package var directory: String?
    package var files: [String]
    package var journalctl: String
    package var timeout: Duration

    package init(
        runner: Runner, unitTemplate: String, directory: String? = nil, files: [String] = [], journalctl: String = "journalctl",
        timeout: Duration = .seconds(10)
    ) {
        self.runner = runner
        self.unitTemplate = unitTemplate
        self.directory = directory
        self.files = files
        self.journalctl = journalctl
        self.timeout = timeout
    }

    package var name: String { "journald" + (directory.map { " \($0)" } ?? "") }

    package func lines(of service: String, from start: Date, to end: Date, limit: Int) async throws(LogSourceError) -> [LogLine] {
        let unit = unitTemplate.replacingOccurrences(of: "{service}", with: service)
        var argv = [
            journalctl, "--output=json", "--no-pager", "--quiet", "--unit=\(unit)",
            "--since=@\(Int(start.timeIntervalSince1970.rounded(.down)))",
            "--until=@\(Int(end.timeIntervalSince1970.rounded(.up)))", "--lines=\(limit)",
        ]
        if let directory { argv.append("--directory=\(directory)") }
        argv += files.map { "--file=\($0)" }
        let result: ProcessResult
        do {
            result = try await runner.run(argv, workingDirectory: nil, timeout: timeout, outputLimit: 64 << 20)
        } catch {
            throw LogSourceError("\(name): \(error.description)")
        }
        guard result.succeeded else {
            throw LogSourceError("\(name): journalctl \(result.endDescription): \(result.output.suffix(300))")
        }
        return JournalJSON.parse(result.output, service: service).filter { $0.timestamp >= start && $0.timestamp <= end }
    }
}
