import BackstopCore
import Foundation
import Logging

/// What the scheduler needs to share a window's verifications with other replicas.
package struct SharedWindows: Sendable {
    package let leases: any WorkLeases
    /// The assets of a schedule's window already verified by any replica (the record says).
    package let verified: @Sendable (_ schedule: String, _ windowStart: Date) async throws(StoreError) -> Set<String>
    /// The configured assets, by schedule.
    package let assets: [String: [String]]
    /// How many assets one claim takes: small enough to spread a window over the replicas,
    /// large enough that a window is a handful of runs.
    package let chunk: Int
    /// How long to wait before looking again while other replicas hold the rest.
    package let poll: Duration
    /// With `storage.postgres.buffer`: while PostgreSQL is down, a window is verified here
    /// without claims and its runs wait in the buffer (``SchedulerService/verifyWithoutClaims``).
    package let buffer: StoreBuffer?

    package init(
        leases: any WorkLeases, verified: @escaping @Sendable (String, Date) async throws(StoreError) -> Set<String>,
        assets: [String: [String]], chunk: Int, poll: Duration, buffer: StoreBuffer? = nil
    ) {
        self.leases = leases
        self.verified = verified
        self.assets = assets
        self.chunk = max(1, chunk)
        self.poll = poll
        self.buffer = buffer
    }

    /// The assets of the window verified by a run in PostgreSQL or waiting in the buffer. The
    /// buffer is read first: a run drained in between is then found in PostgreSQL.
    func done(_ schedule: String, _ window: BackupWindow) async throws(StoreError) -> Set<String> {
        let buffered = try buffer?.journal.windowAssets(schedule: schedule, windowStart: window.start) ?? []
        return try await verified(schedule, window.start).union(buffered)
    }

    /// Whether claims cannot be made now (PostgreSQL is known down) but the buffer takes runs.
    var claimsDown: Bool {
        guard let status = buffer?.status else { return false }
        return status.unreachableSince != nil && status.writable
    }

    /// The claim of one (asset, window).
    static func key(schedule: String, window: BackupWindow, asset: String) -> String {
        "verify/\(schedule)/\(Int64(window.start.timeIntervalSince1970))/\(asset)"
    }
}

extension SchedulerService {
    /// Verifies a window together with the other replicas: claims a chunk of its assets that no
    /// run has verified yet, verifies them as one run, and repeats until every asset of the
    /// window is in the record. Assets another replica holds are waited for; a dead replica's
    /// lease expires and they are claimed here. After a claim the record is read again, so an
    /// asset that another replica recorded just before its lease ended is not verified twice.
    func verifyShared(_ schedule: Schedule, window: BackupWindow, shared: SharedWindows, logger: Logger) async {
        let assets = shared.assets[schedule.name] ?? []
        // Assets this replica recorded for the window: if PostgreSQL goes down before its record
        // of them is read back, they are not verified again without claims.
        var verifiedHere: Set<String> = []
        while !Task.isCancelled {
            if shared.claimsDown, let buffer = shared.buffer {
                guard
                    await verifyWithoutClaims(
                        schedule, window: window, assets: assets.filter { !verifiedHere.contains($0) }, buffer: buffer, shared: shared,
                        tried: &verifiedHere, logger: logger)
                else { return windowDone(window, logger: logger) }
                continue
            }
            let remaining: [String]
            do {
                let done = try await shared.done(schedule.name, window)
                remaining = assets.filter { !done.contains($0) }
            } catch {
                // Found down just now: verified without claims at once.
                if shared.claimsDown { continue }
                logger.error("could not read which assets of the window are verified", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: shared.poll)
                continue
            }
            if remaining.isEmpty { return windowDone(window, logger: logger) }
            // Replicas start at different places in the list, so their claims rarely collide.
            let offset = Int.random(in: 0..<remaining.count)
            let keys = (remaining[offset...] + remaining[..<offset]).map {
                SharedWindows.key(schedule: schedule.name, window: window, asset: $0)
            }
            let worked = await shared.leases.holding(keys, limit: shared.chunk) { granted in
                await verifyClaimed(granted, of: remaining, schedule: schedule, window: window, shared: shared, logger: logger)
            }
            if let recorded = worked ?? nil {
                verifiedHere.formUnion(recorded)
            } else {
                // The poll period while others hold the rest (or the store failed), not a synchronisation.
                try? await Task.sleep(for: shared.poll)
            }
        }
    }

    /// Every asset of the window is in the record or this replica's buffer.
    private func windowDone(_ window: BackupWindow, logger: Logger) {
        logger.info("every asset of the window is verified", metadata: ["window_start": "\(RFC3339.format(window.start))"])
    }

    private func verifyClaimed(
        _ granted: [String], of remaining: [String], schedule: Schedule, window: BackupWindow, shared: SharedWindows, logger: Logger
    ) async -> [String]? {
        let byKey = Dictionary(
            remaining.map { (SharedWindows.key(schedule: schedule.name, window: window, asset: $0), $0) }, uniquingKeysWith: { a, _ in a })
        var claimed = granted.compactMap { byKey[$0] }
        do {
            let done = try await shared.done(schedule.name, window)
            claimed.removeAll { done.contains($0) }
        } catch {
            logger.error("could not read which assets of the window are verified", metadata: ["error": "\(error)"])
            return nil
        }
        guard !claimed.isEmpty else { return [] }
        do {
            _ = try await runner.run(VerificationRequest(trigger: .schedule(schedule.name), assets: claimed, window: window))
            return claimed
        } catch {
            logger.error("could not record the window's verification", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
