/// Metric names and help texts (docs/ARCHITECTURE.md, Metrics). Alerts and dashboards use these
/// exact names; change them only together.
enum MetricNames {
    static let buildInfo = ("backstop_build_info", "Backstop's version and revision; always 1.")
    static let backupUp = ("backstop_backup_up", "1 if the asset's backup was healthy as of the last run, 0 if it failed or was missing.")
    static let lastSuccess = (
        "backstop_backup_last_success_timestamp_seconds",
        "When the asset's last healthy backup was produced (Unix time, whole seconds), as of the last run."
    )
    static let sizeBytes = ("backstop_backup_size_bytes", "Size of the asset's newest artifact in bytes, as of the last run.")
    static let checks = ("backstop_checks_total", "Checks performed on all assets' backups, by check; 0 for every check from the start.")
    static let checkFailures = (
        "backstop_check_failures_total", "Checks of the asset's backups that failed, by check (created at the first failure)."
    )
    static let checksumFailures = ("backstop_checksum_failures_total", "Artifacts whose SHA-256 did not match the expected checksum.")
    static let checksumBytes = ("backstop_checksum_bytes_total", "Bytes read to compute artifact checksums.")
    static let backupFailures = ("backstop_backup_failures_total", "Failed or missing backups, by diagnosed cause.")
    static let causeFailures = (
        "backstop_cause_failures_total",
        "Failed or missing backups of all assets, by diagnosed cause; 0 for every known cause from the start."
    )
    static let restoreTests = ("backstop_restore_tests_total", "Restore tests run for the asset.")
    static let restoreTestFailures = ("backstop_restore_test_failures_total", "Restore tests of the asset that failed or timed out.")
    static let restoreDuration = ("backstop_restore_duration_seconds", "Duration of restore tests (restore plus validation).")
    static let restoreLastDuration = (
        "backstop_restore_last_duration_seconds", "Duration of the asset's last restore test, as of the last run."
    )
    static let windowRuns = ("backstop_window_runs_total", "Scheduled window verifications, by result (healthy, failed, aborted).")
    static let windowLastRun = (
        "backstop_window_last_run_timestamp_seconds", "When the schedule's last window verification finished (Unix time)."
    )
    static let windowExpected = ("backstop_window_expected_backups", "Backups expected in the schedule's last verified window.")
    static let windowMissing = (
        "backstop_window_missing_backups", "Backups that never arrived in the schedule's last verified window."
    )

    /// Buckets for restore durations: seconds to an hour, as restores of real data take.
    static let restoreDurationBuckets: [Double] = [1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200]
}

/// Incident, recovery and delivery metrics (docs/ARCHITECTURE.md, Metrics).
extension MetricNames {
    static let incidentsOpened = ("backstop_incidents_opened_total", "Incidents opened, by cause and the sink they go to.")
    static let incidentsOpen = ("backstop_incidents_open", "Incidents open now.")
    static let incidentResolution = (
        "backstop_incident_resolution_seconds", "Time from an incident's opening (or reopening) to its resolution."
    )
    static let meanTimeToResolve = ("backstop_mttr_seconds", "Mean time to resolve incidents resolved in the last 30 days.")
    static let recoveryAttempts = ("backstop_recovery_attempts_total", "Automatic retries of failed backups, by cause and result.")
    static let exporterLeader = (
        "backstop_exporter_leader",
        "1 on the replica that exports the record's metrics (it holds the exporter lease), 0 on the others; only with storage.postgres."
    )
    static let sinkDeliveries = ("backstop_sink_deliveries_total", "Calls delivered to a sink.")
    static let sinkFailures = ("backstop_sink_delivery_failures_total", "Calls to a sink that failed, by reason.")
    static let outboxPending = ("backstop_outbox_pending", "Outbound calls queued and not yet delivered.")
    static let outboxOldestAge = ("backstop_outbox_oldest_age_seconds", "Age of the oldest undelivered outbound call.")
    static let alertmanagerNotifications = (
        "backstop_alertmanager_notifications_total",
        "Alertmanager notifications accepted (firing, resolved) or rejected (bad auth, body or size); repeats are not counted."
    )
    static let approvals = (
        "backstop_approvals_total", "Retry approvals: requests made, and requests approved, denied or expired (timeout)."
    )
    static let outboxDead = ("backstop_outbox_dead_letters", "Outbound calls abandoned after their retry budget (dead letters).")

    /// Incidents are resolved in minutes to days.
    static let incidentResolutionBuckets: [Double] = [300, 900, 1_800, 3_600, 7_200, 14_400, 43_200, 86_400, 259_200, 604_800]
}
