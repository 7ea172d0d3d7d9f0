import BackstopCore
import Foundation
import Hummingbird
import Logging

/// `POST /api/v1/events`: a backup tool (or its wrapper) reports a finished backup. The event is
/// in the record before the 202 goes out (written with the events that arrived with it:
/// ``GroupCommit``); verification of that asset follows.
struct EventsController {
    /// Events arriving together are written in one transaction, each answered after its commit.
    let record: GroupCommit<CompletionEvent, Void>
    let assets: [Asset]
    let clock: any WallClock
    let logger: Logger
    let events: DurableQueueWorker<CompletionEventHandler>
    static let bodyLimit = 1 << 20
    /// Event ids count up, as notification ids do (``SequentialRecordIDs``): a batch of events
    /// then adds to one page of the table's unique index instead of one page each.
    static let eventIDs = SequentialRecordIDs(prefix: "evt")

    struct Accepted: Encodable {
        var id: String
        var asset: String
        var status = "accepted"
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/api/v1/events") { request, _ in
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: Self.bodyLimit)
            } catch {
                throw HTTPError(.contentTooLarge, message: "the event body is larger than \(Self.bodyLimit) bytes")
            }
            let report: ToolReport
            do throws(InspectionError) {
                report = try ToolReportDecoder.decode(Data(buffer: body))
            } catch {
                throw HTTPError(.badRequest, message: "invalid event: \(error.message)")
            }
            guard let asset = report.asset, !asset.isEmpty else {
                throw HTTPError(.badRequest, message: "invalid event: field 'asset' is required (the asset name from the configuration)")
            }
            guard assets.contains(where: { $0.name == asset }) else {
                throw HTTPError(.notFound, message: "unknown asset '\(asset)': it is not in the configuration")
            }
            let event = CompletionEvent(
                id: Self.eventIDs.make(at: clock.now), asset: asset, receivedAt: clock.now,
                report: report)
            do {
                try await record.submit(event)
            } catch {
                logger.error("could not record an event", metadata: ["asset": "\(asset)", "error": "\(error)"])
                throw HTTPError(.serviceUnavailable, message: "the event could not be recorded; retry later")
            }
            events.enqueue(event)
            return try JSONResponse.make(Accepted(id: event.id, asset: asset), status: .accepted)
        }
    }
}
