import Foundation

/// Whether a recurrence of an open incident gets a comment in its tracker. The timeline, the
/// report and the occurrence count record every recurrence either way.
package enum RecurrenceComment: Sendable, Equatable {
    /// A comment, ending with `note` when given.
    case comment(note: String?)
    /// The timeline, the report and the count only.
    case timelineOnly
}

/// Which alerts joining an open incident are commented on in its tracker.
///
/// Each alert that joins an open incident is one more occurrence of it. Verification recurs once
/// a window, but alerts can arrive by the thousand: a storm of distinct alerts about one asset
/// (every instance of a job mapped to the asset, say) joined one incident with a comment each,
/// 10,000 comments on one Jira issue or Linear issue, more than anyone reads and more than the
/// trackers' rate limits let through in hours. So a join that comes within
/// ``rapidWithin`` of the incident's last change is commented only at the 2nd, 4th, 8th, …
/// occurrence (about 13 comments for 10,000 alerts), and the comment says so; a join after a
/// quiet spell is always commented. The decision reads only the incident as the desk holds it,
/// so a batch decides each notification as it would alone, and replicas, deciding under the
/// shared lock, decide the same.
package enum AlertJoinComments {
    /// How soon after the incident's last change a join counts as part of a burst.
    package static let rapidWithin: TimeInterval = 300

    /// The comment for an alert joining `incident` (as it was before the join) at `now`.
    package static func comment(joining incident: Incident, now: Date) -> RecurrenceComment {
        guard now.timeIntervalSince(incident.updatedAt) < rapidWithin else { return .comment(note: nil) }
        let occurrence = incident.occurrences + 1
        guard occurrence > 0, occurrence & (occurrence - 1) == 0 else { return .timelineOnly }
        return .comment(
            note: "Alerts are joining this incident in quick succession: until \(Int(rapidWithin / 60)) minutes pass "
                + "without one, the next comment comes at occurrence \(occurrence * 2). Every occurrence is on the "
                + "incident's timeline.")
    }
}
