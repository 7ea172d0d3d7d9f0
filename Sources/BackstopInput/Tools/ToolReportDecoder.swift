import BackstopCore
import Foundation

/// Decodes what a backup tool reported (status file or event body), with errors that name the
/// field that is wrong.
package enum ToolReportDecoder {
    package static func decode(_ data: Data) throws(InspectionError) -> ToolReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an RFC 3339 time like 2026-11-22T02:15:00Z")
            }
            return date
        }
        do {
            return try decoder.decode(ToolReport.self, from: data)
        } catch let error as DecodingError {
            throw InspectionError(error.readableDescription)
        } catch {
            throw InspectionError("not valid JSON: \(error)")
        }
    }
}

extension DecodingError {
    /// "field 'status': …" rather than Foundation's debug dump.
    package var readableDescription: String {
        /// `alerts[0].labels.a`: indexes in brackets, keys joined with dots.
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? "the body" : "field '\(text)'"
        }
        func path(_ context: Context) -> String { path(context.codingPath) }
        switch self {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is required"
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(Self.typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(Self.typeName(type)), found null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON" }
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(self)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String: String].Type: "an object of strings"
        default: String(describing: type).hasPrefix("Array<") ? "an array" : "\(type)"
        }
    }
}
