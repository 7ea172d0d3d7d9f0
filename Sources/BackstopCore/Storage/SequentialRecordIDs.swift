import Foundation
import Synchronization

/// Ids in the order they are made, for what arrives in bursts through a group commit (the
/// webhook's notifications, thousands a second in an alert storm, and completion events):
/// `ntf_20261206_0231_3fa91c0004d2`, the same shape as a ``RecordID``, but the hex digits count
/// up from a random start. Each new id then lands next to the previous one in the table's
/// unique index, so a group commit rewrites one page of that index instead of one page per
/// notification (docs/ARCHITECTURE.md, "Group commit": a quarter fewer bytes written per
/// notification, and about a tenth more notifications answered a second).
///
/// The start is random per process, 47 bits of 48, so two Backstop processes sharing a store,
/// or two starts within the same minute, practically never make the same id; if they did, the
/// store's unique index refuses the second and its sender retries, as with random ids.
package final class SequentialRecordIDs: Sendable {
    package let prefix: String
    private let next: Atomic<UInt64>

    package init(prefix: String, start: UInt64 = UInt64.random(in: 0..<(1 << 47))) {
        self.prefix = prefix
        next = Atomic(start)
    }

    /// The next id, stamped with the UTC minute of `date`.
    package func make(at date: Date) -> String {
        let suffix = next.add(1, ordering: .relaxed).newValue
        return RecordID.make(prefix: prefix, at: date, suffix: suffix, digits: 12)
    }
}
