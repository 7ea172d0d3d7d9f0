import Foundation

/// Wall-clock time and waiting, injected so schedules can be tested without sleeping.
package protocol WallClock: Sendable {
    var now: Date { get }
    /// Returns at `deadline` (or at once if it has passed); throws when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

/// The real clock.
package struct SystemWallClock: WallClock {
    package init() {}

    package var now: Date { Date() }

    package func sleep(until deadline: Date) async throws {
        let delay = deadline.timeIntervalSinceNow
        if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
        try Task.checkCancellation()
    }
}
