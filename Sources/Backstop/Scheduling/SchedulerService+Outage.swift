import BackstopCore
import Foundation
import Logging

extension SchedulerService {
    /// Verifies a chunk of the window's assets while PostgreSQL is down (`storage.postgres.buffer`):
    /// no replica can claim, so this one verifies what its buffer does not hold yet for the
    /// window, and the run waits in the buffer even if PostgreSQL answers meanwhile. Other
    /// replicas may verify the same assets meanwhile; the drain keeps each (asset, window) once
    /// in the record (``PostgresStore/appendDrained(_:_:)``). A chunk at a time, so that once
    /// PostgreSQL answers the rest of the window is claimed as usual. False when nothing is left.
    func verifyWithoutClaims(
        _ schedule: Schedule, window: BackupWindow, assets: [String], buffer: StoreBuffer, shared: SharedWindows,
        tried: inout Set<String>, logger: Logger
    ) async -> Bool {
        let remaining: [String]
        do throws(StoreError) {
            let buffered = try buffer.journal.windowAssets(schedule: schedule.name, windowStart: window.start)
            remaining = assets.filter { !buffered.contains($0) }
        } catch {
            logger.error("could not read which assets of the window wait in the buffer", metadata: ["error": "\(error)"])
            // The poll period while the buffer cannot be read, not a synchronisation.
            try? await Task.sleep(for: shared.poll)
            return true
        }
        guard !remaining.isEmpty else { return false }
        let chunk = Array(remaining.prefix(shared.chunk))
        logger.notice(
            "PostgreSQL is unreachable: verifying the window's assets without claims; the run waits in the buffer",
            metadata: [
                "window_start": "\(RFC3339.format(window.start))", "assets": "\(chunk.count)", "left": "\(remaining.count - chunk.count)",
            ])
        let recorded = await buffer.withoutClaims(schedule: schedule.name, windowStart: window.start) {
            do {
                _ = try await runner.run(VerificationRequest(trigger: .schedule(schedule.name), assets: chunk, window: window))
                return true
            } catch {
                logger.error("could not record the window's verification", metadata: ["error": "\(error)"])
                return false
            }
        }
        if recorded {
            tried.formUnion(chunk)
        } else {
            // The poll period after a failed run (the buffer's file), not a synchronisation.
            try? await Task.sleep(for: shared.poll)
        }
        return true
    }
}
