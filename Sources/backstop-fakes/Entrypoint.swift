import BackstopTesting
import Foundation

/// Serves the PagerDuty, Jira and Linear contract fakes on loopback for `scripts/chaos`, with a
/// control API to inject faults and read what the fakes hold (`FakesControl`). The fakes are the
/// same ones the test suite runs in-process; this only puts them behind real ports for a driver
/// in another process.
///
/// Prints one JSON line with the base URLs once everything listens, then runs until its stdin
/// closes (so a driver that dies cannot leave it behind).
///
///     backstop-fakes [--jira-search-lag N] [--jira-search-delay-ms MS]
@main
struct BackstopFakes {
    static let routingKey = "0123456789abcdef0123456789abcdef"
    static let jiraEmail = "backstop@example.com"
    static let jiraToken = "chaos-jira-token"
    static let linearKey = "lin_api_chaos0123456789"

    static func main() async throws {
        let options = try Options(CommandLine.arguments.dropFirst())
        let pagerDuty = try FakePagerDuty(routingKeys: [routingKey], eventsPerMinute: 100_000)
        let jira = try FakeJira(
            authentication: .basic(email: jiraEmail, apiToken: jiraToken), searchLag: options.jiraSearchLag,
            searchDelay: .milliseconds(options.jiraSearchDelayMilliseconds))
        let linear = try FakeLinear(apiKey: linearKey, requestsPerHour: 1_000_000)
        let control = FakesControl(pagerDuty: pagerDuty, jira: jira, linear: linear)
        try await pagerDuty.run { pagerDutyURL in
            try await jira.run { jiraURL in
                try await linear.run { linearURL in
                    try await LocalHTTPServer.run(control.router()) { controlURL in
                        let ready: [String: String] = [
                            "pagerduty": pagerDutyURL, "jira": jiraURL, "linear": linearURL + "/graphql", "control": controlURL,
                            "routing_key": routingKey, "jira_email": jiraEmail, "jira_token": jiraToken, "linear_key": linearKey,
                            "linear_team": FakeLinearTeam.id,
                        ]
                        let line = try JSONSerialization.data(withJSONObject: ready, options: [.sortedKeys])
                        FileHandle.standardOutput.write(line + Data("\n".utf8))
                        await StandardInput.waitForEnd()
                    }
                }
            }
        }
    }
}

/// The one team the Linear fake starts with.
enum FakeLinearTeam {
    static let id = "5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
}

struct Options {
    var jiraSearchLag = 1
    var jiraSearchDelayMilliseconds = 0

    init(_ arguments: ArraySlice<String>) throws {
        var rest = arguments
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst().flatMap(Int.init), value >= 0 else {
                throw OptionsError(description: "\(flag) needs a whole number ≥ 0")
            }
            switch flag {
            case "--jira-search-lag": jiraSearchLag = value
            case "--jira-search-delay-ms": jiraSearchDelayMilliseconds = value
            default: throw OptionsError(description: "unknown option \(flag); use --jira-search-lag N or --jira-search-delay-ms MS")
            }
        }
    }
}

struct OptionsError: Error, CustomStringConvertible {
    var description: String
}

/// Waits for end of file on stdin on a thread of its own (reads block).
enum StandardInput {
    static func waitForEnd() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                while !FileHandle.standardInput.availableData.isEmpty {}
                continuation.resume()
            }
        }
    }
}
