import Foundation

/// The body of Loki's `GET /loki/api/v1/query_range` for a log query:
/// `{"status":"success","data":{"resultType":"streams","result":[{"stream":{…},"values":[["<ns>","<line>"]…]}]}}`.
package struct LokiQueryRangeResponse: Decodable {
    package var status: String
    package var data: ResultData

    package struct ResultData: Decodable {
        package var resultType: String
        package var result: [Stream]

        private enum CodingKeys: String, CodingKey { case resultType, result }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            resultType = try container.decode(String.self, forKey: .resultType)
            // A metric query answers with a matrix of samples; only log streams are decoded.
            result = resultType == "streams" ? try container.decode([Stream].self, forKey: .result) : []
        }
    }

    package struct Stream: Decodable {
        package var stream: [String: String]
        package var values: [Entry]
    }

    /// `[timestamp_ns, line]`, or `[timestamp_ns, line, structured_metadata]` when Loki is asked
    /// to categorise labels; the metadata is ignored.
    package struct Entry: Decodable {
        package var nanoseconds: Int64
        package var line: String

        package init(from decoder: any Decoder) throws {
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
