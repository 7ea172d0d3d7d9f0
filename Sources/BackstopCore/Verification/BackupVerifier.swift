import Foundation

/// Runs the artifact checks (exists, tool status, freshness, size, checksum) for one expected
/// backup. A failing backup is a value with evidence; nothing here throws.
package struct BackupVerifier<Inspector: ArtifactInspector>: Sendable {
    package let inspector: Inspector

    package init(inspector: Inspector) {
        self.inspector = inspector
    }

    /// Verifies `asset`'s backup for `window`. `report` is what the tool said in a completion
    /// event; without it the asset's status file (if any) is read. `lateness` tells whether a
    /// backup produced at a time came after its own window's end plus grace.
    package func verify(
        asset: Asset,
        window: BackupWindow?,
        now: Date,
        report: ToolReport?,
        history: AssetHistory,
        lateness: (Date) -> Bool = { _ in false },
        progress: @Sendable (Int) -> Void = { _ in }
    ) async -> VerificationOutcome {
        let spec = asset.backup
        var checks: [CheckResult] = []
        var bytesHashed: Int64 = 0

        let (toolCheck, toolReport) = await checkToolStatus(spec: spec, report: report)

        let artifact: Artifact?
        do {
            artifact = try await inspector.locate(spec, window: window, now: now)
        } catch {
            artifact = nil
            checks.append(
                .failed(.exists, "could not look for the artifact: \(error.message)", expected: spec.path, excerpt: error.output))
        }

        guard let artifact else {
            if checks.isEmpty {
                checks.append(
                    .failed(.exists, "no artifact matches \(spec.path)", expected: "a file matching \(spec.path)", actual: "none")
                )
            }
            checks += [
                .skipped(.size, "no artifact"), .skipped(.checksum, "no artifact"), toolCheck,
                .skipped(.freshness, "no artifact"),
            ]
            var outcome = VerificationOutcome(
                asset: asset.name, schedule: asset.scheduleName, window: window, artifact: nil, checks: checks,
                producedAt: nil, late: false, bytesHashed: 0, verifiedAt: now)
            outcome.toolReport = toolReport
            return outcome
        }

        checks.append(.passed(.exists, "found \(artifact.path) (\(ByteSize.format(artifact.sizeBytes)))"))
        checks.append(checkSize(artifact, policy: spec.size, history: history))

        let checksum: (result: CheckResult, bytesHashed: Int64)
        if let integrity = await inspector.integrity(of: artifact, backup: spec) {
            checksum = (integrity, 0)
        } else {
            checksum = await checkChecksum(artifact, backup: spec, reported: toolReport?.sha256, progress: progress)
        }
        checks.append(checksum.result)
        bytesHashed = checksum.bytesHashed

        checks.append(toolCheck)

        let producedAt = producedAt(of: artifact, report: toolReport)
        checks.append(checkFreshness(producedAt: producedAt, window: window, maxAge: spec.maxAge, now: now))
        checks += await inspector.extraChecks(of: artifact, backup: spec)
        let late = lateness(producedAt)

        var outcome = VerificationOutcome(
            asset: asset.name, schedule: asset.scheduleName, window: window, artifact: artifact, checks: checks,
            producedAt: producedAt, late: late, bytesHashed: bytesHashed, verifiedAt: now)
        outcome.toolReport = toolReport
        return outcome
    }

    // MARK: - Checks

    private func checkToolStatus(spec: BackupSpec, report: ToolReport?) async -> (CheckResult, ToolReport?) {
        let resolved: ToolReport
        if let report {
            resolved = report
        } else if let path = spec.statusFile {
            do {
                resolved = try await inspector.toolReport(at: path)
            } catch {
                return (.failed(.toolStatus, "status file unusable: \(error.message)", expected: path), nil)
            }
        } else {
            return (.skipped(.toolStatus, "no status file configured"), nil)
        }
        switch resolved.status {
        case .success:
            // Kept: a wrapper may report success over output that says otherwise.
            return (CheckResult(.toolStatus, .passed, Evidence("backup tool reported success", excerpt: resolved.output)), resolved)
        case .failure:
            let code = resolved.exitCode.map { " with exit code \($0)" } ?? ""
            return (
                .failed(
                    .toolStatus, "backup tool reported failure\(code)", expected: "success", actual: "failure",
                    excerpt: resolved.output),
                resolved
            )
        }
    }

    private func checkSize(_ artifact: Artifact, policy: SizePolicy, history: AssetHistory) -> CheckResult {
        let size = artifact.sizeBytes
        let actual = ByteSize.format(size)
        if let min = policy.minBytes, size < min {
            return .failed(
                .size, "artifact is \(actual), below the minimum \(ByteSize.format(min))",
                expected: "≥ \(ByteSize.format(min))", actual: actual)
        }
        if let max = policy.maxBytes, size > max {
            return .failed(
                .size, "artifact is \(actual), above the maximum \(ByteSize.format(max))",
                expected: "≤ \(ByteSize.format(max))", actual: actual)
        }
        if let maxChange = policy.maxChange, let median = Self.median(history.recentHealthySizes), median > 0 {
            let change = Double(size - median) / Double(median)
            if abs(change) > maxChange {
                let percent = Int((change * 100).rounded())
                return .failed(
                    .size,
                    "artifact is \(actual), \(percent > 0 ? "+" : "")\(percent)% against the median \(ByteSize.format(median)) of the last \(history.recentHealthySizes.count) healthy backups",
                    expected: "within ±\(Int((maxChange * 100).rounded()))% of \(ByteSize.format(median))", actual: actual)
            }
        }
        return .passed(.size, "\(actual) is within the expected range")
    }

    private func checkChecksum(
        _ artifact: Artifact, backup: BackupSpec, reported: String?, progress: @Sendable (Int) -> Void
    ) async -> (result: CheckResult, bytesHashed: Int64) {
        let policy = backup.checksum
        var expected: [(source: String, value: String)] = []
        switch policy {
        case .none:
            break
        case .sidecar, .manifest, .stored:
            do {
                expected.append((policy.sourceDescription, try await inspector.expectedChecksum(of: artifact, backup: backup)))
            } catch {
                return (.failed(.checksum, "expected checksum unavailable: \(error.message)"), 0)
            }
        }
        if let reported { expected.append(("the backup tool's report", reported.lowercased())) }
        guard !expected.isEmpty else { return (.skipped(.checksum, "no checksum is kept for this backup"), 0) }

        let actual: String
        do {
            actual = try await inspector.sha256(of: artifact, backup: backup, progress: progress)
        } catch {
            return (.failed(.checksum, "could not hash the artifact: \(error.message)"), 0)
        }
        for (source, value) in expected where value != actual {
            return (
                .failed(.checksum, "SHA-256 does not match \(source)", expected: value, actual: actual),
                artifact.sizeBytes
            )
        }
        return (.passed(.checksum, "SHA-256 \(actual) matches \(expected.map(\.source).joined(separator: " and "))"), artifact.sizeBytes)
    }

    private func checkFreshness(producedAt: Date, window: BackupWindow?, maxAge: Duration?, now: Date) -> CheckResult {
        let produced = producedAt.formatted(.iso8601)
        if let window, producedAt < window.start {
            return .failed(
                .freshness,
                "newest artifact was produced \(produced), before the window opened \(window.start.formatted(.iso8601)): no backup arrived for this window",
                expected: "produced at or after \(window.start.formatted(.iso8601))", actual: produced)
        }
        if let maxAge {
            let age = now.timeIntervalSince(producedAt)
            if age > maxAge.seconds {
                return .failed(
                    .freshness, "artifact is \(Self.hours(age)) old, older than max_age \(Self.hours(maxAge.seconds))",
                    expected: "≤ \(Self.hours(maxAge.seconds))", actual: Self.hours(age))
            }
        }
        return .passed(.freshness, "produced \(produced)")
    }

    // MARK: - Helpers

    private func producedAt(of artifact: Artifact, report: ToolReport?) -> Date {
        guard let report, let finished = report.finishedAt else { return artifact.modifiedAt }
        if let reportedPath = report.artifact, reportedPath != artifact.path { return artifact.modifiedAt }
        return finished
    }

    static func median(_ values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private static func hours(_ seconds: Double) -> String {
        let hours = seconds / 3600
        return hours >= 1 ? "\((hours * 10).rounded() / 10)h" : "\(Int((seconds / 60).rounded()))m"
    }
}

extension ChecksumPolicy {
    /// Where the expected checksum came from, for evidence text.
    package var sourceDescription: String {
        switch self {
        case .sidecar: "the sidecar .sha256 file"
        case .manifest(let path): "the manifest \(path)"
        case .stored: "the checksum stored with the object"
        case .none: "nothing"
        }
    }
}
