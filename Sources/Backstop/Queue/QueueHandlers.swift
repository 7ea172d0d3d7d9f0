import BackstopCore
import Logging

/// Completion events: each verifies its asset. A verification in flight finishes on shutdown
/// (its run is recorded either way); an event no run has processed yet is in the backlog.
package struct CompletionEventHandler: DurableQueueHandler {
    package let record: any RunStore
    package let runner: FileVerificationRunner
    /// Set when replicas share the store: an event is verified by the replica that claims it.
    package var leases: (any WorkLeases)? = nil

    package var finishesInFlight: Bool { true }

    package func id(of event: CompletionEvent) -> String { event.id }

    package func backlog() async throws(StoreError) -> [CompletionEvent] { try await record.unprocessedEvents() }

    package func handle(_ event: CompletionEvent) async throws(StoreError) {
        try await SharedItem.once("event/\(event.id)", leases: leases) { () throws(StoreError) in
            // Claimed after another replica verified it: its run is in the record, nothing to do.
            if leases != nil, try await !record.unprocessedEvents().contains(where: { $0.id == event.id }) { return }
            _ = try await runner.run(
                VerificationRequest(trigger: .event(event.id), assets: [event.asset], reports: [event.asset: event.report]))
        }
    }
}

/// Recorded runs: each is retried and handed to the incident desk off the verification path (a retry's backoff must not hold
/// the run that found the failure). A run recorded but not triaged is in the backlog.
package struct RecordedRunHandler: DurableQueueHandler {
    package let record: any RunStore
    package let ledger: any IncidentStore
    package let triage: FileFailureTriage
    package let desk: IncidentDesk
    /// Set when replicas share the store: a run is triaged by the replica that claims it.
    package var leases: (any WorkLeases)? = nil

    package var finishesInFlight: Bool { false }

    package func id(of run: VerificationRun) -> String { run.id }

    package func backlog() async throws(StoreError) -> [VerificationRun] {
        var runs: [VerificationRun] = []
        for id in try await ledger.untriagedRunIDs() {
            if let run = try await record.run(id: id) { runs.append(run) }
        }
        return runs
    }

    package func handle(_ run: VerificationRun) async throws(StoreError) {
        try await SharedItem.once("triage/\(run.id)", leases: leases) { () throws(StoreError) in
            if let findings = try await triage.findings(for: run) { try await desk.decide(findings) }
        }
    }
}

/// Accepted Alertmanager notifications: each is mapped, correlated and handed to the incident
/// desk after the webhook has answered, in the
/// order they arrived. One accepted but not triaged is in the backlog.
package struct NotificationHandler: DurableQueueHandler {
    package let intake: any AlertIntakeStore
    package let triage: FileAlertTriage
    package let desk: IncidentDesk
    package let logger: Logger
    /// Shared with the webhook's group commit: a triage batch waits while requests do.
    package let priority: IntakePriority?

    /// Package-level so the in-process benchmarks (Benchmarks/TriageBenchmarks) drive the same
    /// handler `serve` runs.
    package init(
        intake: any AlertIntakeStore, triage: FileAlertTriage, desk: IncidentDesk, logger: Logger, priority: IntakePriority? = nil
    ) {
        self.intake = intake
        self.triage = triage
        self.desk = desk
        self.logger = logger
        self.priority = priority
    }

    package var finishesInFlight: Bool { false }

    /// The triage runs at background priority: on Linux, on threads at nice 10
    /// (``DurableQueueWorker``). ``IntakePriority`` holds a batch back while requests wait for
    /// their commit; this gives the webhook's threads a busy core within a batch too, while an
    /// idle core is all the triage's: a storm is drained as fast once the senders are answered.
    package var taskPriority: TaskPriority? { .background }

    package func waitForTurn(batchLimit: Int) async -> Int {
        guard let priority else { return batchLimit }
        await priority.waitForTurn()
        return priority.batchLimit(batchLimit)
    }

    package func id(of notification: AlertNotification) -> String { notification.id }

    package func backlog() async throws(StoreError) -> [AlertNotification] {
        try await backlog(after: nil, limit: .max).items
    }

    package func backlog(after position: Int64?, limit: Int) async throws(StoreError) -> BacklogPage<AlertNotification> {
        let page = try await intake.untriagedNotifications(after: position, limit: limit)
        for id in page.unreadable {
            logger.error(
                "an accepted Alertmanager notification cannot be read back from the record; see alert_notifications",
                metadata: ["notification": "\(id)"])
        }
        let read = page.notifications.count + page.unreadable.count
        return BacklogPage(items: page.notifications, position: page.position, hasMore: read == limit)
    }

    package func handle(_ notification: AlertNotification) async throws(StoreError) {
        if let findings = try await triage.findings(for: notification) { try await desk.decide(findings) }
    }

    /// A storm's notifications share one read of their triage marks and acted-on alerts, the
    /// diagnosis and logs of alerts with the same text (``AlertTriage/Batch``), the ledger's
    /// reads, one transaction for the desk's decisions and one update of the metrics
    /// (``IncidentDesk/decideTogether(marks:_:)``); the desk still decides each one, in order.
    package func handle(batch notifications: [AlertNotification]) async -> [(item: AlertNotification, error: StoreError)] {
        do {
            var batch = try await triage.batch(notifications)
            try await desk.decideTogether(marks: notifications.map(\.id)) { decisions throws(StoreError) in
                for notification in notifications {
                    // Left to the record on shutdown; those decided so far are committed.
                    if Task.isCancelled { break }
                    if let findings = try await batch.findings(for: notification) { batch.decided(try await decisions.decide(findings)) }
                }
            }
            return []
        } catch {
            // Nothing of the batch was committed: one at a time, only the notification that
            // fails is left in the record.
            if Task.isCancelled {
                // Stopping: the batch is in the record, untriaged, for the next start.
                logger.notice(
                    "stopping: a batch of Alertmanager notifications is left to triage at the next start",
                    metadata: ["notifications": "\(notifications.count)"])
                return []
            }
            logger.warning(
                "a batch of Alertmanager notifications could not be triaged together; triaging them one at a time",
                metadata: ["notifications": "\(notifications.count)", "error": "\(error)"])
            return await handleOneAtATime(notifications)
        }
    }

    private func handleOneAtATime(_ notifications: [AlertNotification]) async -> [(item: AlertNotification, error: StoreError)] {
        var batch: FileAlertTriage.Batch
        do {
            batch = try await triage.batch(notifications)
        } catch {
            return notifications.map { ($0, error) }
        }
        var failures: [(item: AlertNotification, error: StoreError)] = []
        for notification in notifications {
            if Task.isCancelled { break }
            do {
                if let findings = try await batch.findings(for: notification) { batch.decided(try await desk.decide(findings)) }
            } catch {
                failures.append((notification, error))
            }
        }
        return failures
    }
}
