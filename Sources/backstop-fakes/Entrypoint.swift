import ArgumentParser
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
struct BackstopFakes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backstop-fakes",
        abstract: "Serve the PagerDuty, Jira and Linear contract fakes on loopback for scripts/chaos.")

    @Option(help: "How many issues Jira's search lags behind what was created.")
    var jiraSearchLag: UInt = 1

    @Option(name: .customLong("jira-search-delay-ms"), help: "Milliseconds Jira's search takes to answer.")
    var jiraSearchDelayMilliseconds: UInt = 0

    static let routingKey = "0123456789abcdef0123456789abcdef"
    static let jiraEmail = "backstop@example.com"
    static let jiraToken = "chaos-jira-token"
    static let linearKey = "lin_api_chaos0123456789"

    func run() async throws {
        let routingKey = Self.routingKey
        let jiraEmail = Self.jiraEmail
        let jiraToken = Self.jiraToken
        let linearKey = Self.linearKey
        let pagerDuty = try FakePagerDuty(routingKeys: [routingKey], eventsPerMinute: 100_000)
        let jira = try FakeJira(
            authentication: .basic(email: jiraEmail, apiToken: jiraToken), searchLag: Int(jiraSearchLag),
            searchDelay: .milliseconds(Int(jiraSearchDelayMilliseconds)))
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
