import Foundation

/// The body of Loki's `GET /loki/api/v1/query_range` for a log query:
/// `{"status":"success","data":{"resultType":"streams","result":[{"stream":{…},"values":[["<ns>","<line>"]…]}]}}`.
package struct LokiQueryRangeResponse: Decodable {
    var status: String
    var data: ResultData

    struct ResultData: Decodable {
        var resultType: String
        var result: [Stream]

        private enum CodingKeys: String, CodingKey { case resultType, result }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            resultType = try container.decode(String.self, forKey: .resultType)
            // A metric query answers with a matrix of samples; only log streams are decoded.
            result = resultType == "streams" ? try container.decode([Stream].self, forKey: .result) : []
        }
    }

    struct Stream: Decodable {
        var stream: [String: String]
        var values: [Entry]
    }

    /// `[timestamp_ns, line]`, or `[timestamp_ns, line, structured_metadata]` when Loki is asked
    /// to categorise labels; the metadata is ignored.
    struct Entry: Decodable {
        var nanoseconds: Int64
        var line: String

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            let timestamp = try container.decode(String.self)
            guard let nanoseconds = Int64(timestamp) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "timestamp '\(timestamp)' is not a nanosecond Unix epoch")
            }
            self.nanoseconds = nanoseconds
            line = try container.decode(String.self)
        }
    }
}
