import BackstopCore
import Foundation
import Logging
import ServiceLifecycle

/// Verifies assets as their backup-completion events arrive. Events are in the record before
/// they are acknowledged; at start, events that no run processed yet (crash, shutdown) are
/// processed first.
package final class EventProcessor: Service {
    private let services: BackstopServices
    private let stream: AsyncStream<CompletionEvent>
    private let continuation: AsyncStream<CompletionEvent>.Continuation

    package init(services: BackstopServices) {
        self.services = services
        (stream, continuation) = AsyncStream.makeStream(of: CompletionEvent.self)
    }

    /// Queues an event that is already in the record.
    package func enqueue(_ event: CompletionEvent) {
        continuation.yield(event)
    }

    package func run() async throws {
        var done = Set<String>()
        do {
            for event in try await services.store.unprocessedEvents() where done.insert(event.id).inserted {
                await process(event)
            }
        } catch {
            services.logger.error("could not read unprocessed events from the record", metadata: ["error": "\(error)"])
        }
        // On shutdown the queue stops being read; a verification in flight finishes first.
        for await event in stream.cancelOnGracefulShutdown() where done.insert(event.id).inserted {
            await process(event)
        }
    }

    private func process(_ event: CompletionEvent) async {
        do {
            _ = try await services.runner.run(
                VerificationRequest(trigger: .event(event.id), assets: [event.asset], reports: [event.asset: event.report]))
        } catch {
            services.logger.error("could not record the event's verification", metadata: ["event": "\(event.id)", "error": "\(error)"])
        }
    }
}
