import BackstopCore
import Foundation

/// A write the buffer holds while PostgreSQL is down, in the form it was accepted, with the key
/// that makes its drain idempotent: the notification's dedup key, the event's id, the run's id
/// (PostgreSQL stores each of these once, so an item drained twice is stored once).
package enum BufferedItem: Sendable, Equatable {
    /// With the JSON the record stores for it: the webhook body as accepted.
    case notification(EncodedNotification)
    case event(CompletionEvent)
    case run(VerificationRun)

    package var kind: String {
        switch self {
        case .notification: "notification"
        case .event: "event"
        case .run: "run"
        }
    }

    package var key: String {
        switch self {
        case .notification(let encoded): encoded.notification.dedupKey
        case .event(let event): event.id
        case .run(let run): run.id
        }
    }

    /// The completion event a buffered run verified, so a buffered event is not verified twice.
    var processedEventID: String? {
        if case .run(let run) = self, case .event(let id) = run.trigger { return id }
        return nil
    }

    /// The (asset, window) parts a scheduled run that was not aborted verified: what "each asset
    /// verified once per window" counts, and what a drain checks against PostgreSQL.
    var windowParts: [WindowPart] {
        guard case .run(let run) = self, case .schedule = run.trigger, run.status != .aborted else { return [] }
        return run.outcomes.compactMap { outcome in
            outcome.window.map { WindowPart(schedule: outcome.schedule, windowStart: $0.start, asset: outcome.asset) }
        }
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        switch self {
        case .notification(let encoded): return try encoder.encode(encoded)
        case .event(let event): return try encoder.encode(event)
        case .run(let run): return try encoder.encode(run)
        }
    }

    static func decode(kind: String, body: Data) throws -> BufferedItem {
        let decoder = JSONDecoder()
        switch kind {
        case "notification":
            // Buffers written before bodies were kept hold the notification alone.
            if let encoded = try? decoder.decode(EncodedNotification.self, from: body) { return .notification(encoded) }
            return .notification(EncodedNotification(try decoder.decode(AlertNotification.self, from: body)))
        case "event": return .event(try decoder.decode(CompletionEvent.self, from: body))
        case "run": return .run(try decoder.decode(VerificationRun.self, from: body))
        default: throw StoreError("unknown kind '\(kind)'")
        }
    }
}

/// One item in the journal: its place in the order of acceptance and when it was accepted.
package struct BufferEntry: Sendable, Equatable {
    package var seq: Int64
    package var item: BufferedItem
    package var acceptedAt: Date
}

/// One asset of one schedule's window, as a scheduled run verified it.
package struct WindowPart: Sendable, Hashable {
    package var schedule: String
    package var windowStart: Date
    package var asset: String
}
