import BackstopCore
import Foundation
import Hummingbird

/// `GET /api/v1/digests/latest[?format=md]`: the newest weekly digest (JSON by default).
struct DigestsController {
    /// Nil when the digest is off.
    let digest: DigestConfiguration?
    let clock: any WallClock
    /// Nil when the digest is off.
    let writer: DigestWriter?

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/api/v1/digests/latest") { request, _ in
            guard let digest, let writer else {
                throw HTTPError(.notFound, message: "the weekly digest is off (digest.enabled: false)")
            }
            guard let latest = writer.latest() else {
                let next = digest.schedule.nextFire(after: clock.now, in: digest.timeZone).map(RFC3339.format) ?? "never"
                throw HTTPError(.notFound, message: "no digest written yet; the next is due at \(next) (backstop trends shows one now)")
            }
            if request.uri.queryParameters.get("format") == "md" {
                return JSONResponse.text(latest.markdown, contentType: "text/markdown; charset=utf-8")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: latest.json)))
        }
    }
}
