import BackstopCore
import Foundation
import Testing

@testable import Backstop

/// The webhook's answer is written out without the encoder; it must say what the encoder
/// would have said, and fall back to it for any text that would need escaping.
@Suite struct WebhookAnswerTests {
    static let answers = [
        AlertsController.Answer(status: "accepted", id: AlertsController.notificationIDs.make(at: Date()), alerts: 2),
        AlertsController.Answer(status: "duplicate", id: nil, alerts: 1),
        AlertsController.Answer(status: "accepted", id: #"ntf_"quoted"\back"#, alerts: 3),
        AlertsController.Answer(status: "accepted", id: "ntf_é", alerts: 0),
    ]

    static func object(_ bytes: some Sequence<UInt8>) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
    }

    @Test(arguments: answers)
    func theAnswerIsTheEncodersJSON(answer: AlertsController.Answer) throws {
        let written = try answer.json()
        let encoded = try JSONEncoder.api.encode(answer)
        #expect(try Self.object(written.readableBytesView) == Self.object(encoded), "\(String(buffer: written))")
        #expect(try Self.object(written.readableBytesView)["id"] as? String == answer.id)
    }

    @Test func plainTextIsLettersDigitsUnderscoreAndHyphenOnly() {
        #expect(AlertsController.Answer.isPlain("ntf_20261206_0512_3fa91c0004d2-A"))
        for text in [#"a"b"#, #"a\b"#, "a/b", "a b", "é", "\u{0}"] {
            #expect(!AlertsController.Answer.isPlain(text), "\(text)")
        }
    }
}
