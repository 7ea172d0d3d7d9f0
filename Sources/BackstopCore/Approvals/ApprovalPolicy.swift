import Foundation

/// `recovery.approval`: which retries wait for a human before they run, and how long a request
/// waits for an answer before it is denied by timeout.
package struct ApprovalPolicy: Sendable, Equatable {
    /// Which retries need an approval.
    package enum Requirement: String, Sendable, CaseIterable {
        /// None: transient causes are retried on their own, the rest never (the default).
        case none
        /// A cause that is not transient is retried only once someone approves it.
        case nonTransient = "non_transient"
        /// Every retry waits, transient ones included.
        case all
    }

    package var requiredFor: Requirement = .none
    /// An unanswered request expires (is denied) this long after it was made.
    package var timeout: Duration = .seconds(3_600)

    package init(requiredFor: Requirement = .none, timeout: Duration = .seconds(3_600)) {
        self.requiredFor = requiredFor
        self.timeout = timeout
    }

    /// Whether a retry of a failure with this cause is proposed for approval instead of being run
    /// (transient under `none` and `non_transient`) or left alone (not transient under `none`).
    package func proposes(transient: Bool) -> Bool {
        switch requiredFor {
        case .none: false
        case .nonTransient: !transient
        case .all: true
        }
    }
}
