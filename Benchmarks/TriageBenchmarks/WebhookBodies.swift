import Foundation

/// Alertmanager's captured notification (Tests/Fixtures/alertmanager/firing.json, two alerts),
/// made unique per copy as `Benchmarks/webhook-ingest.py` makes it per request.
enum WebhookBodies {
    static let captured = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Tests/Fixtures/alertmanager/firing.json")

    static func make(_ count: Int) throws -> [Data] {
        let template = try String(contentsOf: captured, encoding: .utf8)
        return (0..<count).map { index in
            Data(template.replacingOccurrences(of: "383087702e88c9cc", with: "\(index)-0").utf8)
        }
    }
}
