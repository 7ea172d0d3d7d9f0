import Backstop
import BackstopCore
import BackstopTesting
import Foundation

/// A retry command that can be watched: each run appends a line to `retries` in the test's
/// directory and, when it fixes, copies a healthy archive (and its checksum) into place.
enum ApprovalFixtures {
    /// The `backup.retry` argv for `asset`; a fixing one installs a healthy backup written at `backupTime`.
    static func retryCommand(_ directory: TemporaryDirectory, asset: String, file: String, fixes: Bool, backupTime: Date) async throws
        -> [String]
    {
        let fixtures = BackupFixtures(directory: directory)
        try await fixtures.archive("staged/\(file)")
        let dir = directory.path
        var script = "echo ran >> '\(dir)/retries'\n"
        if fixes {
            script += "cp '\(dir)/staged/\(file)' '\(dir)/staged/\(file).sha256' '\(dir)/backups/'\n"
            script += "touch -d @\(Int(backupTime.timeIntervalSince1970)) '\(dir)/backups/\(file)'\n"
        }
        return ["sh", try directory.write("retry-\(asset).sh", script)]
    }

    /// How many times the retry command ran.
    static func retries(_ directory: TemporaryDirectory) -> Int {
        ((try? String(contentsOfFile: directory.file("retries"), encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    /// `recovery:` with approvals; `transient` overrides the transient causes.
    static func recovery(requiredFor: String, timeout: String = "1h", transient: String? = nil) -> String {
        let transientLine = transient.map { "\n  transient: [\($0)]\n  backoff: 0s" } ?? ""
        return """
            recovery:\(transientLine)
              approval: { required_for: \(requiredFor), timeout: \(timeout) }
            """
    }

    /// The nightly `orders` asset of the incident tests, truncated (`corrupted_artifact`), with
    /// its log, and services whose retry command fixes it or not.
    static func services(
        _ harness: Harness, fixes: Bool = true, retry: Bool = true, requiredFor: String = "non_transient", timeout: String = "1h",
        transient: String? = nil, extra: String = ""
    ) async throws -> BackstopServices {
        try await IncidentFixtures.writeTruncated(harness, asset: "orders")
        _ = try IncidentFixtures.writeLog(harness, asset: "orders")
        let command =
            retry
            ? try await retryCommand(
                harness.directory, asset: "orders", file: "orders-2026-11-22.tar.gz", fixes: fixes, backupTime: Harness.backupTime)
            : nil
        return try await harness.services(
            try harness.configuration(
                assets: IncidentFixtures.asset("orders", retry: command),
                extra: recovery(requiredFor: requiredFor, timeout: timeout, transient: transient) + "\n" + extra))
    }

    /// The one counter sample of `decision`, from the exposition.
    static func approvalsTotal(_ services: BackstopServices, _ decision: String) -> Int? {
        let exposition = String(decoding: services.metrics.exposition(), as: UTF8.self)
        let prefix = #"backstop_approvals_total{decision="\#(decision)"} "#
        return exposition.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Int($0.dropFirst(prefix.count)) }
    }
}
