import Foundation
import Hummingbird

/// `GET /metrics`: the exposition rendered at the last state change, plus `process_*`; gzip
/// when the scraper accepts it (Prometheus always does), from a cached compressed copy.
struct MetricsController {
    let metrics: BackstopMetrics

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/metrics") { request, _ in
            var headers: HTTPFields = [.contentType: "text/plain; version=0.0.4; charset=utf-8", .vary: "Accept-Encoding"]
            // One contiguous cached buffer, so one write (see ScrapeBodies).
            if Self.acceptsGzip(request.headers[values: .acceptEncoding]), let gzipped = metrics.gzippedScrape() {
                headers[.contentEncoding] = "gzip"
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: gzipped))
            }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: metrics.plainScrape()))
        }
    }

    /// Whether an `Accept-Encoding` lists gzip (or `*`) without `q=0`.
    static func acceptsGzip(_ values: [String]) -> Bool {
        for value in values {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let coding = parts.first, coding == "gzip" || coding == "x-gzip" || coding == "*" else { continue }
                let refused = parts.dropFirst().contains { parameter in
                    let pair = parameter.split(separator: "=", maxSplits: 1)
                    return pair.count == 2 && pair[0].trimmingCharacters(in: .whitespaces) == "q" && Double(pair[1]) == 0
                }
                if !refused { return true }
            }
        }
        return false
    }
}
