import Hummingbird

/// `GET /metrics`: the exposition rendered at the last state change, plus `process_*`.
struct MetricsController {
    let metrics: BackstopMetrics

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }
}
