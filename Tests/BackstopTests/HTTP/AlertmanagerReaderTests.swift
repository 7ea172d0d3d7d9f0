import Backstop
import BackstopCore
import Foundation
import Testing

/// The webhook reads its body with its own JSON reader (`StrictJSONReader`) and leaves to
/// `JSONDecoder` whatever the reader is not sure of. These check that the two never disagree:
/// what the reader reads is what the decoder reads, and what it is not sure of it leaves alone.
@Suite struct AlertmanagerReaderTests {
    static func body(top: String = #""receiver":"r","status":"firing","groupKey":"g""#, alert: String = Self.alert) -> Data {
        Data(#"{\#(top),"alerts":[{\#(alert)}]}"#.utf8)
    }

    static let alert = #""status":"firing","labels":{"alertname":"A"},"startsAt":"2026-11-23T09:48:44Z""#

    @Test(arguments: ["firing.json", "resolved.json"])
    func capturedNotificationsAreReadAsJSONDecoderReadsThem(name: String) throws {
        let body = try AlertmanagerPayloadTests.fixture(name)
        let read = try #require(AlertmanagerPayload.read(body), "the reader left a real Alertmanager body to JSONDecoder")
        #expect(read == (try AlertmanagerPayload.decoded(body)))
    }

    static let readable: [(String, Data)] = {
        var cases: [(String, Data)] = []
        cases.append(("the fewest fields", body()))
        cases.append(
            (
                "escapes of every kind, a surrogate pair, an escaped key",
                body(top: #""receiver":"a\"b\\c\/d\b\f\n\r\t","\u0073tatus":"firing","groupKey":"\u00e9\ud83d\ude00\u0000x""#)
            ))
        cases.append(
            (
                "null optional fields",
                body(
                    top: #""version":null,"externalURL":null,"receiver":"r","status":"firing","groupKey":"g""#,
                    alert: Self.alert + #","annotations":null,"endsAt":null,"generatorURL":null,"fingerprint":null"#)
            ))
        cases.append(
            (
                "unknown fields of every JSON type",
                body(
                    top:
                        #""x":{"a":[1,-0.5e+10,0,2E-3,-0,true,false,null,"s",{},[]],"b":{"c":{}}},"truncatedAlerts":0,"receiver":"r","status":"firing","groupKey":"g""#
                )
            ))
        cases.append(
            (
                "whitespace between every token",
                Data(
                    " \n{ \"receiver\" :\t\"r\" , \"status\":\"resolved\",\r\n\"groupKey\" : \"g\" , \"alerts\" : [ { \"status\" : \"resolved\" , \"labels\" : { \"a\" : \"b\" } , \"startsAt\" : \"t\" } ] } \n"
                        .utf8)
            ))
        cases.append(
            ("no alerts (refused later, by the same check)", Data(#"{"receiver":"r","status":"firing","groupKey":"g","alerts":[]}"#.utf8)))
        cases.append(
            (
                "labels and annotations that are not ASCII",
                body(
                    alert: Self.alert.replacingOccurrences(of: #""alertname":"A""#, with: #""é":"ü","alertname":"Ä""#)
                        + #","annotations":{"summary":"日本"}"#)
            ))
        return cases
    }()

    @Test(arguments: Self.readable)
    func bodiesTheReaderReadsComeOutAsJSONDecoderReadsThem(_ case: String, body: Data) throws {
        let read = try #require(AlertmanagerPayload.read(body), "\(`case`): left to JSONDecoder")
        #expect(read == (try AlertmanagerPayload.decoded(body)), "\(`case`)")
    }

    static let unsure: [(String, Data)] = {
        var cases: [(String, Data)] = []
        cases.append(("a field given twice", body(top: #""receiver":"r","status":"firing","status":"resolved","groupKey":"g""#)))
        cases.append(
            ("a label given twice", body(alert: Self.alert.replacingOccurrences(of: #"{"alertname":"A"}"#, with: #"{"a":"1","a":"2"}"#))))
        cases.append(
            (
                "labels that are the same text to Swift",
                body(alert: Self.alert.replacingOccurrences(of: #"{"alertname":"A"}"#, with: #"{"é":"1","e\u0301":"2"}"#))
            ))
        cases.append(
            ("a key that is groupKey by canonical equivalence", body(top: #""receiver":"r","status":"firing","group\u212Aey":"g""#)))
        cases.append(("an unpaired surrogate", body(top: #""receiver":"\ud83d","status":"firing","groupKey":"g""#)))
        cases.append(("a low surrogate alone", body(top: #""receiver":"\ude00x","status":"firing","groupKey":"g""#)))
        cases.append(("an unknown escape", body(top: #""receiver":"\x","status":"firing","groupKey":"g""#)))
        cases.append(("a short \\u escape", body(top: #""receiver":"\u12","status":"firing","groupKey":"g""#)))
        cases.append(("a raw tab inside a string", body(top: "\"receiver\":\"a\tb\",\"status\":\"firing\",\"groupKey\":\"g\"")))
        cases.append(("text after the document", Data((String(decoding: body(), as: UTF8.self) + " x").utf8)))
        cases.append(("a byte-order mark", Data(("\u{FEFF}" + String(decoding: body(), as: UTF8.self)).utf8)))
        cases.append(("a number with a leading zero", body(top: #""x":01,"receiver":"r","status":"firing","groupKey":"g""#)))
        cases.append(("a number ending in a point", body(top: #""x":1.,"receiver":"r","status":"firing","groupKey":"g""#)))
        cases.append(("a number with a plus sign", body(top: #""x":+1,"receiver":"r","status":"firing","groupKey":"g""#)))
        cases.append(("a lone minus", body(top: #""x":-,"receiver":"r","status":"firing","groupKey":"g""#)))
        cases.append(("a misspelt literal", body(top: #""x":nul,"receiver":"r","status":"firing","groupKey":"g""#)))
        cases.append(("two commas in a row", body(top: #""receiver":"r","status":"firing","groupKey":"g","#)))
        cases.append(("a trailing comma", Data(#"{"receiver":"r","status":"firing","groupKey":"g","alerts":[],}"#.utf8)))
        cases.append(
            (
                "nesting deeper than 512",
                body(
                    top: #""x":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
                        + #","receiver":"r","status":"firing","groupKey":"g""#)
            ))
        cases.append(("a label that is a number", body(alert: Self.alert.replacingOccurrences(of: #""A""#, with: "1"))))
        cases.append(("no groupKey", body(top: #""receiver":"r","status":"firing""#)))
        cases.append(("alerts that are null", Data(#"{"receiver":"r","status":"firing","groupKey":"g","alerts":null}"#.utf8)))
        cases.append(("an array at the top", Data("[]".utf8)))
        cases.append(
            (
                "bytes that are not UTF-8 in an unknown field",
                Data(body(top: #""x":"\#u{FF}","receiver":"r","status":"firing","groupKey":"g""#).map { $0 == 0xC3 ? 0xFF : $0 })
            ))
        return cases
    }()

    @Test(arguments: Self.unsure)
    func bodiesTheReaderIsNotSureOfAreLeftToJSONDecoder(_ case: String, body: Data) {
        #expect(AlertmanagerPayload.read(body) == nil, "\(`case`): the reader read it")
    }

    /// Thousands of damaged copies of a real notification (a byte replaced, dropped or added,
    /// chosen from the bytes JSON gives meaning to): whatever the reader reads, the decoder reads
    /// the same. The fuzzer does the same without end (`scripts/fuzz alertmanager`).
    @Test func damagedNotificationsAreNeverReadDifferentlyFromJSONDecoder() throws {
        let original = Array(try AlertmanagerPayloadTests.fixture("firing.json"))
        let meaningful = Array(#"{}[],:"\ 0123456789.-+eEntrufals/bfu"#.utf8) + [0x09, 0x0A, 0x00, 0x1F, 0x80, 0xC3, 0xFF]
        var random = SplitMix64(seed: 17)
        var read = 0
        for _ in 0..<3_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = meaningful.randomElement(using: &random) ?? 0
                case 1: bytes.remove(at: position)
                default: bytes.insert(meaningful.randomElement(using: &random) ?? 0, at: position)
                }
            }
            let body = Data(bytes)
            if AlertmanagerPayload.read(body) != nil { read += 1 }
            let disagreement = AlertmanagerPayload.readerDisagreement(on: body)
            #expect(disagreement == nil, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(read > 300, "the damaged copies should still be readable often enough to test the reader (read: \(read))")
    }
}
