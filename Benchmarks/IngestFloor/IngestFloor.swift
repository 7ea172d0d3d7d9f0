import Foundation
import Hummingbird

/// The floor under Backstop's webhook intake: the same Hummingbird server, on the same route,
/// reading the same body and answering the same kind of JSON, with none of Backstop's work (no
/// credentials, no parsing, no record). `scripts/bench` measures it right after the intake, with
/// the same load, so that the table shows when this machine is slow: SHA-256, the other
/// yardstick, keeps its speed then. The floor slows down less than the intake does, so it shows
/// a slow host but cannot prove a fast one (docs/ARCHITECTURE.md, "Group commit", has the figures).
///
///     ingest-floor PORT
@main
struct IngestFloor {
    static func main() async throws {
        guard let port = CommandLine.arguments.dropFirst().first.flatMap({ Int($0) }) else {
            FileHandle.standardError.write(Data("usage: ingest-floor PORT\n".utf8))
            exit(2)
        }
        let router = Router()
        router.post("/api/v1/alerts") { request, _ -> Response in
            var request = request
            // Backstop's default webhook.max_body_size.
            let body = try await request.collectBody(upTo: 4 << 20)
            let answer = #"{"status":"accepted","id":"ntf_floor","alerts":\#(body.readableBytes > 0 ? 2 : 0)}"#
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "backstop"))
        try await app.runService()
    }
}
