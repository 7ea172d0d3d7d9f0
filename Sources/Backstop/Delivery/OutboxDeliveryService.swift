import BackstopCore
import Foundation
import Logging
import ServiceLifecycle

/// Delivers the outbox: claims due messages, sends each to its sink, and records the outcome.
///
/// Each message is marked in doubt before it is sent, so a crash mid-call makes the next
/// attempt check the sink before creating again; messages of one incident reach a target in
/// order because the store hands out only the oldest pending one. A retryable failure waits
/// (the sink's `Retry-After` wins over the backoff); a final one, or the last allowed attempt,
/// makes a dead letter and a fallback page through the pager (``SinkTraits/pages``).
package final class OutboxDeliveryService: Service, Sendable {
    package let store: any IncidentStore
    package let sinks: [SinkKind: any IncidentSink]
    /// Pages when another sink gives up on a message; nil pages nobody.
    package let fallbackPager: SinkKind?
    package let policy: DeliveryPolicy
    package let clock: any WallClock
    package let dryRun: Bool
    package let logger: Logger
    /// Sees every attempt's outcome (metrics).
    package let observe: @Sendable (DeliveryOutcome) -> Void
    /// Sees the outbox's state after each pass that attempted something (outbox gauges).
    package let afterPass: @Sendable (OutboxStatus) -> Void
    private let jitter: @Sendable () -> Double
    private let wake = WakeSignal()
    /// Set when replicas share the outbox: each message is then sent by the one that claims it.
    package let leases: (any WorkLeases)?
    /// Beyond the request timeout, for the tracker to commit what it answered too late.
    static let settleMargin: Double = 1

    /// How long after a send starts a later attempt may look up what it created, should this
    /// process die during it (see ``IncidentStore/markSending(_:note:settledAt:)``).
    package static func settleDelay(for sink: any IncidentSink, policy: DeliveryPolicy) -> Double {
        sink.deduplicatesRepeats ? 0 : policy.timeout.seconds + settleMargin
    }

    package init(
        store: any IncidentStore, sinks: [SinkKind: any IncidentSink], fallbackPager: SinkKind?, policy: DeliveryPolicy,
        clock: any WallClock, dryRun: Bool,
        logger: Logger, observe: @escaping @Sendable (DeliveryOutcome) -> Void = { _ in },
        afterPass: @escaping @Sendable (OutboxStatus) -> Void = { _ in },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }, leases: (any WorkLeases)? = nil
    ) {
        self.leases = leases
        self.store = store
        self.sinks = sinks
        self.fallbackPager = fallbackPager
        self.policy = policy
        self.clock = clock
        self.dryRun = dryRun
        self.logger = logger
        self.observe = observe
        self.afterPass = afterPass
        self.jitter = jitter
    }

    /// Messages were queued: deliver without waiting for the next timer.
    package func notify() { wake.signal() }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var drained: Bool?
            while !Task.isCancelled {
                let next: Date?
                do {
                    let attempted = try await self.deliverDue()
                    let status = try await self.store.outboxStatus(now: self.clock.now)
                    next = status.nextDue
                    // Said each time the queue empties, so operators (and tests) see when
                    // everything accepted has reached the sinks.
                    if status.pending == 0, drained != true || attempted > 0 {
                        self.logger.info("outbox drained: nothing left to send", metadata: ["dead_letters": "\(status.dead)"])
                    }
                    drained = status.pending == 0
                } catch {
                    self.logger.error("could not read the outbox; trying again in a minute", metadata: ["error": "\(error)"])
                    next = nil
                }
                // With nothing pending, sleep until woken (or a minute, to pick up clock jumps); at
                // least a second, so a store that keeps failing cannot spin the loop.
                let now = self.clock.now
                await self.sleep(until: max(next ?? now.addingTimeInterval(60), now.addingTimeInterval(1)))
            }
        }
    }

    /// Delivers every due message, pass after pass, until none is due now. Returns how many
    /// were attempted.
    @discardableResult
    package func deliverDue() async throws(StoreError) -> Int {
        var attempted = 0
        while !Task.isCancelled {
            let sent = try await deliverPass()
            attempted += sent
            // Nothing due, or what is due is held by other replicas: theirs to send, or ours once
            // their lease ends.
            if sent == 0 { break }
        }
        if attempted > 0 { afterPass(try await store.outboxStatus(now: clock.now)) }
        return attempted
    }

    /// One pass: the oldest due message of up to 32 lines (incident and target), each line sent
    /// on for up to ``lineRun`` messages. Returns how many were attempted.
    package func deliverPass() async throws(StoreError) -> Int {
        let due = try await store.dueMessages(now: clock.now, limit: 32)
        // Different incidents and targets are independent; one slow sink does not hold the others.
        return await withTaskGroup(of: Int.self) { group in
            for message in due {
                group.addTask { await self.deliverLine(from: message) }
            }
            return await group.reduce(0, +)
        }
    }

    /// How many messages of one incident and target a pass sends one after another. A line's
    /// next message is read through the line's own index, where a new pass reads the whole
    /// outbox: a queue of thousands for one incident (comments held through a tracker outage)
    /// would otherwise cost a pass per message. Bounded, so that a new incident's first message
    /// waits for at most this many sends of each line ahead of it.
    package static let lineRun = 32

    /// Sends `head`, then the messages queued behind it on its line while each is due and the
    /// one before it was settled (delivered or given up), up to ``lineRun``; returns how many
    /// were attempted.
    private func deliverLine(from head: OutboxMessage) async -> Int {
        var next: OutboxMessage? = head
        var attempted = 0
        while let message = next, attempted < Self.lineRun, !Task.isCancelled, await attemptClaimed(message) {
            attempted += 1
            // A failed read ends the run only: the next pass reads the outbox again and says why.
            next = try? await store.nextInLine(incidentID: message.incidentID, target: message.target, now: clock.now)
            // Still the head: its outcome could not be recorded. The next pass tries it again.
            if next?.id == message.id { break }
        }
        return attempted
    }

    private func sleep(until deadline: Date) async {
        await wake.wait(until: deadline, on: clock)
    }

    /// Attempts `message` if this replica wins its claim and it is still due once claimed
    /// (another replica may have sent it just before); true when attempted.
    private func attemptClaimed(_ message: OutboxMessage) async -> Bool {
        guard let leases else {
            await attempt(message)
            return true
        }
        let attempted = await leases.holding("outbox/\(message.id)") { () async -> Bool in
            // Still the head of its line and due, read through the line's index.
            guard
                let current = try? await self.store.nextInLine(
                    incidentID: message.incidentID, target: message.target, now: self.clock.now),
                current.id == message.id
            else { return false }
            await self.attempt(current)
            return true
        }
        return attempted == true
    }

    private func attempt(_ message: OutboxMessage) async {
        var logger = logger
        logger[metadataKey: "incident"] = "\(message.incidentID)"
        logger[metadataKey: "sink"] = "\(message.target.rawValue)"
        logger[metadataKey: "action"] = "\(message.action.rawValue)"
        do {
            try await deliver(message, logger: logger)
        } catch {
            logger.error("could not record a delivery outcome; it will be tried again", metadata: ["error": "\(error)"])
        }
    }

    private func deliver(_ message: OutboxMessage, logger: Logger) async throws(StoreError) {
        guard let incident = try await store.incident(id: message.incidentID) else {
            try await giveUp(message, error: "incident \(message.incidentID) is not in the ledger", logger: logger)
            return
        }
        if dryRun {
            logger.notice("dry run: would deliver", metadata: ["title": "\(message.payload.title)"])
            let text = "dry run: would have sent \(message.action.rawValue) to \(message.target.displayName)"
            try await store.markDelivered(
                message.id, reference: nil, event: IncidentEvent(incidentID: incident.id, at: clock.now, kind: .delivered, text: text))
            return
        }
        guard let sink = sinks[message.target] else {
            try await giveUp(
                message, error: "incidents.\(message.target.rawValue) is not configured any more; the message cannot be sent",
                logger: logger)
            return
        }
        let started = clock.now
        let result = try await send(message, to: sink, incident: incident)
        let seconds = clock.now.timeIntervalSince(started)
        switch result {
        case .success(let reference):
            let text =
                "\(message.action.rawValue) delivered to \(message.target.displayName)" + (reference.map { " as \($0.key ?? $0.id)" } ?? "")
            try await store.markDelivered(
                message.id, reference: reference, event: IncidentEvent(incidentID: incident.id, at: clock.now, kind: .delivered, text: text)
            )
            observe(DeliveryOutcome(sink: message.target, action: message.action, failure: nil, seconds: seconds))
            logger.info("delivered", metadata: ["reference": "\(reference?.key ?? reference?.id ?? "-")"])
        case .failure(let error):
            observe(DeliveryOutcome(sink: message.target, action: message.action, failure: error.reason, seconds: seconds))
            let attempts = message.attempts + 1
            guard error.isRetryable, attempts < policy.maxAttempts else {
                let why = error.isRetryable ? "gave up after \(attempts) attempts: \(error.message)" : error.message
                try await giveUp(message, error: why, logger: logger)
                return
            }
            let backoff = policy.delay(afterAttempt: attempts, jitter: jitter())
            let next = clock.now.addingTimeInterval(max(backoff.seconds, error.retryAfter?.seconds ?? 0))
            logger.warning(
                "delivery failed; retrying",
                metadata: ["error": "\(error.message)", "attempt": "\(attempts)", "retry_at": "\(RFC3339.format(next))"])
            try await store.markRetry(
                message.id, nextAttemptAt: next, error: error.message, inDoubt: message.inDoubt || error.mayHaveReached)
        }
    }

    /// One attempt: the sink's checkpoint (first attempt only), then "sent" recorded with it
    /// before the request, so a crash from there on leaves the message in doubt and the next
    /// attempt knows what the sink noted.
    private func send(
        _ message: OutboxMessage, to sink: any IncidentSink, incident: Incident
    ) async throws(StoreError) -> Result<ExternalReference?, SinkError> {
        var message = message
        var failure: SinkError?
        if message.sinkNote == nil {
            do throws(SinkError) {
                message.sinkNote = try await sink.checkpoint(message, incident: incident)
            } catch {
                failure = error
            }
        }
        try await store.markSending(
            message.id, note: message.sinkNote, settledAt: clock.now.addingTimeInterval(Self.settleDelay(for: sink, policy: policy)))
        if let failure { return .failure(failure) }
        do throws(SinkError) {
            return .success(try await sink.deliver(message, incident: incident))
        } catch {
            return .failure(error)
        }
    }

    /// Makes a dead letter and, unless the pager itself is what failed, pages through the pager
    /// so a lost incident is still somebody's problem.
    private func giveUp(_ message: OutboxMessage, error: String, logger: Logger) async throws(StoreError) {
        let now = clock.now
        var fallback: OutboxMessage?
        if let pager = fallbackPager, message.target != pager, sinks[pager] != nil || dryRun {
            var payload = message.payload
            payload.summary = String(
                ("Backstop could not \(message.action.rawValue) this incident in \(message.target.displayName): \(error). "
                    + message.payload.summary).prefix(1_000))
            fallback = OutboxMessage(incidentID: message.incidentID, target: pager, action: .page, payload: payload, createdAt: now)
        }
        logger.error("delivery abandoned: dead letter", metadata: ["error": "\(error)", "fallback_page": "\(fallback != nil)"])
        try await store.markDead(
            message.id, error: error,
            event: IncidentEvent(
                incidentID: message.incidentID, at: now, kind: .deadLetter,
                text: "\(message.action.rawValue) to \(message.target.displayName) abandoned: \(error)"),
            fallback: fallback)
    }
}

extension OutboxDeliveryService: LedgerChangeConsumer {
    /// The incident desk committed a change: deliver what it queued without waiting for the timer.
    package func consume(_ change: LedgerChange) async { notify() }
}

/// One delivery attempt, for metrics.
package struct DeliveryOutcome: Sendable {
    package var sink: SinkKind
    package var action: OutboxAction
    /// Nil when delivered.
    package var failure: SinkError.Reason?
    package var seconds: Double
}
