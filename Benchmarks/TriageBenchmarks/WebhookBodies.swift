import Foundation

/// Alertmanager's captured notification (Tests/Fixtures/alertmanager/firing.json, two alerts),
/// each copy with its own first fingerprint, so that every copy has a dedup key of its own as the
/// intake benchmark's requests do.
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
