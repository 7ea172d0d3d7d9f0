/// A JSON object of text values (an alert's labels or annotations), decoded through one concrete
/// key type. The standard library's `Dictionary.init(from:)` is generic over its key and value and
/// is not specialised for a caller: for each object it looks up generic metadata and checks the
/// key type at run time, which was two fifths of the webhook's decode time (TriageBenchmarks,
/// "Alertmanager webhook body decode", before the webhook read its body with ``StrictJSONReader``).
/// The values and errors are the same. The webhook's reader builds it from ``init(values:)``;
/// this decoding is for the bodies the reader leaves to `JSONDecoder`.
struct TextMap: Decodable, Equatable {
    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            return nil
        }
    }

    var values: [String: String]

    init(values: [String: String]) {
        self.values = values
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let keys = container.allKeys
        var values = [String: String](minimumCapacity: keys.count)
        for key in keys {
            values[key.stringValue] = try container.decode(String.self, forKey: key)
        }
        self.values = values
    }
}
