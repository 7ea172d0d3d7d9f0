import BackstopCore
import Foundation
import Logging
import ServiceLifecycle

/// The triage as wired for real use: retries through processes, the ledger in SQLite.
package typealias FileFailureTriage = FailureTriage<SQLiteRunStore, CommandBackupRetrier<ProcessRunner>>

/// Triages recorded runs one at a time, in the order they were recorded, off the verification
/// path (a retry's backoff must not hold the run that found the failure). At start, runs that
/// were recorded but never triaged (Backstop stopped in between) are triaged first.
package struct TriageService: Service {
    package let triage: FileFailureTriage
    package let queue: TriageQueue
    package let store: SQLiteRunStore
    package let logger: Logger

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await triageBacklog()
            for await run in queue.runs {
                // Left untriaged on shutdown: the next start triages it from the record.
                if Task.isCancelled { break }
                await triage(run)
            }
        }
    }

    /// Runs recorded while Backstop was not triaging (a crash, or `backstop verify`).
    package func triageBacklog() async {
        do {
            for id in try await store.untriagedRunIDs() {
                if let run = try await store.run(id: id) { await triage(run) }
            }
        } catch {
            logger.error("could not read the runs left untriaged", metadata: ["error": "\(error)"])
        }
    }

    package func triage(_ run: VerificationRun) async {
        do {
            try await triage.triage(run)
        } catch {
            // The run stays untriaged in the store and is triaged again at the next start.
            logger.error(
                "could not triage a run; it will be triaged at the next start", metadata: ["run": "\(run.id)", "error": "\(error)"])
        }
    }
}

/// Recorded runs waiting for triage. Unbounded, because a run is small and dropping one would
/// leave a failure without an incident until the next start.
package struct TriageQueue: Sendable {
    package let runs: AsyncStream<VerificationRun>
    private let continuation: AsyncStream<VerificationRun>.Continuation

    package init() {
        (runs, continuation) = AsyncStream.makeStream(of: VerificationRun.self)
    }

    package func enqueue(_ run: VerificationRun) {
        continuation.yield(run)
    }
}
