/// Short names for the background services, as swift-service-lifecycle logs them.
///
/// `ServiceGroupConfiguration` computes `"\(service)"` for every service when the group is made,
/// even when nothing is logged. Without a description that is a reflection dump of the service
/// and everything it holds: the configuration with every asset. At 10,000 assets that took
/// 13 of serve's 17 seconds before /-/ready (perf, release build), and logged megabytes at debug.
extension DurableQueueWorker: CustomStringConvertible {
    package var description: String { "DurableQueueWorker(\(name))" }
}

extension SchedulerService: CustomStringConvertible {
    package var description: String { "SchedulerService" }
}

extension ApprovalService: CustomStringConvertible {
    package var description: String { "ApprovalService" }
}

extension DigestService: CustomStringConvertible {
    package var description: String { "DigestService" }
}

extension RecordWatcher: CustomStringConvertible {
    package var description: String { "RecordWatcher" }
}

extension BufferDrainService: CustomStringConvertible {
    package var description: String { "BufferDrainService" }
}
