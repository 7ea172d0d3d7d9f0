/// How a child process ended and what it printed (stdout and stderr interleaved, capped).
package struct ProcessResult: Sendable, Equatable {
    package var exitCode: Int32?
    /// Set when the process died from a signal (including our own kill on timeout).
    package var signal: Int32?
    package var output: String
    /// Bytes of output dropped from the middle to respect the cap.
    package var omittedBytes: Int
    package var durationSeconds: Double
    package var timedOut: Bool

    package var succeeded: Bool { exitCode == 0 && !timedOut }

    /// "exit code 2", "killed by signal 9", "timed out after 10s".
    package var endDescription: String {
        if timedOut { return "timed out after \(Int(durationSeconds.rounded()))s; its process group was killed" }
        if let signal { return "killed by signal \(signal)" }
        return "exit code \(exitCode ?? -1)"
    }
}

/// A child process could not be started at all.
package struct ProcessError: Error, CustomStringConvertible {
    package var command: String
    package var reason: String
    package var description: String { "could not start \(command): \(reason)" }
}
