import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// `recovery.approval`, as issue 20 writes it.
@Suite struct ApprovalConfigurationTests {
    @Test func theIssuesKeysParseAsWritten() throws {
        let configuration = try IncidentsConfigurationTests.parse(
            """
            recovery:
              approval:
                required_for: non_transient      # non_transient | all | none (default none)
                timeout: 1h                      # unanswered requests are denied at the end
            """, in: try TemporaryDirectory())
        #expect(configuration.recovery.approval == ApprovalPolicy(requiredFor: .nonTransient, timeout: .seconds(3_600)))
        // The rest of recovery keeps its defaults.
        #expect(configuration.recovery.transient == RecoveryPolicy().transient)
    }

    @Test(arguments: [("all", ApprovalPolicy.Requirement.all), ("none", .none), ("non_transient", .nonTransient)])
    func eachRequirementParses(text: String, requirement: ApprovalPolicy.Requirement) throws {
        let configuration = try IncidentsConfigurationTests.parse(
            "recovery: { approval: { required_for: \(text), timeout: 90m } }", in: try TemporaryDirectory())
        #expect(configuration.recovery.approval.requiredFor == requirement)
        #expect(configuration.recovery.approval.timeout == .seconds(5_400))
    }

    @Test func withoutTheKeyNothingWaitsForApproval() throws {
        let configuration = try IncidentsConfigurationTests.parse("recovery: { max_attempts: 2 }", in: try TemporaryDirectory())
        #expect(configuration.recovery.approval.requiredFor == .none)
        #expect(configuration.recovery.approval.timeout == .seconds(3_600))
        #expect(!configuration.recovery.approval.proposes(transient: false))
    }

    @Test func mistakesAreNamedWithTheirKeyPathAndTheWayOut() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try IncidentsConfigurationTests.parse(
                "recovery: { approval: { required_for: transient, timeout: 0s, approvers: [alice] } }", in: try TemporaryDirectory())
        }
        let text = error.description
        #expect(text.contains("backstop.yml:"))
        #expect(text.contains("recovery.approval.required_for: 'transient' is not one of none, non_transient, all"))
        #expect(text.contains("recovery.approval.timeout: must be longer than 0s"))
        #expect(text.contains("recovery.approval.approvers: unknown key"))
    }

    @Test func aTimeoutThatIsNotADurationIsAnError() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try IncidentsConfigurationTests.parse("recovery: { approval: { timeout: soon } }", in: try TemporaryDirectory())
        }
        #expect(error.description.contains("recovery.approval.timeout"))
    }
}
