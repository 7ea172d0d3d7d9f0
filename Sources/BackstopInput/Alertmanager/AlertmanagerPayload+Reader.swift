import Foundation

/// The webhook body read by ``StrictJSONReader``: the same payload `JSONDecoder` gives, at a
/// fraction of its cost, or nil wherever only `JSONDecoder` can say (then it decodes, and words
/// any error). Fields are the ones ``AlertmanagerPayload`` declares, with the same optionality:
/// an optional field may be `null` or absent, a required one must be there with its type.
extension AlertmanagerPayload {
    typealias GaveUp = StrictJSONReader.GaveUp

    /// The payload, or nil when `body` is not UTF-8 or is left to `JSONDecoder`.
    package static func read(_ body: Data) -> AlertmanagerPayload? {
        body.withUnsafeBytes { bytes in
            let isUTF8 = bytes.withMemoryRebound(to: UInt8.self) { (try? UTF8Span(validating: $0.span)) != nil }
            return isUTF8 ? read(validUTF8: bytes) : nil
        }
    }

    /// For the fuzzer and the tests: how ``read(_:)`` and `JSONDecoder` disagree on `body`, or
    /// nil when they agree or the reader left the body to the decoder.
    package static func readerDisagreement(on body: Data) -> String? {
        guard let read = read(body) else { return nil }
        do throws(PayloadError) {
            let decoded = try decoded(body)
            return decoded == read ? nil : "the reader read \(read), JSONDecoder \(decoded)"
        } catch {
            return "the reader read a body that JSONDecoder refuses (\(error.message)): \(read)"
        }
    }

    /// `body` must be valid UTF-8.
    static func read(validUTF8 body: UnsafeRawBufferPointer) -> AlertmanagerPayload? {
        var reader = StrictJSONReader(validUTF8: body)
        var version: String?
        var groupKey: String?
        var status: String?
        var receiver: String?
        var externalURL: String?
        var alerts: [Alert]?
        var seen = FieldsSeen()
        do {
            try reader.readDocument { reader, key throws(GaveUp) in
                try requirePlainASCII(key)
                switch key {
                case "version": version = try reader.readOptionalString(once: 0, in: &seen)
                case "groupKey": groupKey = try reader.readString(once: 1, in: &seen)
                case "status": status = try reader.readString(once: 2, in: &seen)
                case "receiver": receiver = try reader.readString(once: 3, in: &seen)
                case "externalURL": externalURL = try reader.readOptionalString(once: 4, in: &seen)
                case "alerts":
                    try seen.mark(5)
                    var read: [Alert] = []
                    try reader.readArray { reader throws(GaveUp) in read.append(try readAlert(&reader)) }
                    alerts = read
                default: try reader.skipValue()
                }
            }
        } catch {
            return nil
        }
        guard let groupKey, let status, let receiver, let alerts else { return nil }
        return AlertmanagerPayload(
            version: version, groupKey: groupKey, status: status, receiver: receiver, externalURL: externalURL, alerts: alerts)
    }

    private static func readAlert(_ reader: inout StrictJSONReader) throws(GaveUp) -> Alert {
        var status: String?
        var labels: TextMap?
        var annotations: TextMap?
        var startsAt: String?
        var endsAt: String?
        var generatorURL: String?
        var fingerprint: String?
        var seen = FieldsSeen()
        try reader.readObject { reader, key throws(GaveUp) in
            try requirePlainASCII(key)
            switch key {
            case "status": status = try reader.readString(once: 0, in: &seen)
            case "labels":
                try seen.mark(1)
                labels = try readTextMap(&reader)
            case "annotations":
                try seen.mark(2)
                annotations = try reader.readNull() ? nil : readTextMap(&reader)
            case "startsAt": startsAt = try reader.readString(once: 3, in: &seen)
            case "endsAt": endsAt = try reader.readOptionalString(once: 4, in: &seen)
            case "generatorURL": generatorURL = try reader.readOptionalString(once: 5, in: &seen)
            case "fingerprint": fingerprint = try reader.readOptionalString(once: 6, in: &seen)
            default: try reader.skipValue()
            }
        }
        guard let status, let labels, let startsAt else { throw GaveUp() }
        return Alert(
            status: status, labels: labels, annotations: annotations, startsAt: startsAt, endsAt: endsAt, generatorURL: generatorURL,
            fingerprint: fingerprint)
    }

    /// Text values only; a key given twice (as Swift compares text) is left to `JSONDecoder`.
    private static func readTextMap(_ reader: inout StrictJSONReader) throws(GaveUp) -> TextMap {
        var values: [String: String] = [:]
        try reader.readObject { reader, key throws(GaveUp) in
            guard try values.updateValue(reader.readString(), forKey: key) == nil else { throw GaveUp() }
        }
        return TextMap(values: values)
    }

    /// A field's name is compared as Swift compares text, by canonical equivalence (to
    /// `JSONDecoder` too, `"group\u212Aey"` is `groupKey`); only a plain ASCII name is certainly
    /// compared byte by byte, the same way by both.
    private static func requirePlainASCII(_ key: String) throws(GaveUp) {
        guard key.utf8.allSatisfy({ $0 < 0x80 }) else { throw GaveUp() }
    }

    /// Which of an object's known fields were read, so one given twice is left to `JSONDecoder`.
    struct FieldsSeen {
        private var bits: UInt32 = 0

        mutating func mark(_ field: Int) throws(GaveUp) {
            let bit: UInt32 = 1 << field
            guard bits & bit == 0 else { throw GaveUp() }
            bits |= bit
        }
    }
}

extension StrictJSONReader {
    fileprivate mutating func readString(once field: Int, in seen: inout AlertmanagerPayload.FieldsSeen) throws(GaveUp) -> String {
        try seen.mark(field)
        return try readString()
    }

    fileprivate mutating func readOptionalString(once field: Int, in seen: inout AlertmanagerPayload.FieldsSeen) throws(GaveUp) -> String? {
        try seen.mark(field)
        return try readNull() ? nil : readString()
    }
}
