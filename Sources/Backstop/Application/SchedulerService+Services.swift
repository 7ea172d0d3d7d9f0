import BackstopCore

extension SchedulerService {
    /// The scheduler of a wired Backstop: its schedules, clock and runner, and the last
    /// verified window of each schedule as the metrics snapshot (rebuilt from the record) knows it.
    package init(services: BackstopServices) {
        let metrics = services.metrics
        self.init(
            schedules: Array(services.configuration.schedules.values), clock: services.clock,
            lastVerifiedWindowStart: { metrics.snapshot.windows[$0]?.windowStart }, runner: services.runner, logger: services.logger)
    }
}
