import Foundation
import Synchronization

/// One way a JSON value breaks a schema, located by a JSON path such as `payload.severity` or
/// `links[0].href` (empty for the value itself).
package struct SchemaProblem: Sendable, Equatable, CustomStringConvertible {
    package var path: String
    package var message: String

    package init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    package var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Validates JSON values against the request-body schemas of an OpenAPI 3 document. It knows
/// nothing about any particular API: it implements the schema keywords those contracts use
/// (`$ref`, `type`, `nullable`, `required`, `properties`, `additionalProperties`, `enum`,
/// string and array bounds, `items`, `allOf`/`oneOf`/`anyOf`, and a lenient `date-time`).
package struct OpenAPISchemaValidator: Sendable {
    package let document: JSONValue

    package init(document: JSONValue) {
        self.document = document
    }

    /// Parses an OpenAPI document in JSON.
    package init(data: Data) throws {
        self.init(document: try JSONValue.parse(data))
    }

    /// Parsed contracts by file name: parsing one takes long enough to matter in every test.
    private static let cache = Mutex<[String: OpenAPISchemaValidator]>([:])

    /// The validator for a file in the contracts directory (see ``ContractFiles``), parsed once.
    package static func contract(_ name: String) throws -> OpenAPISchemaValidator {
        if let cached = cache.withLock({ $0[name] }) { return cached }
        let validator = try OpenAPISchemaValidator(data: ContractFiles.data(name))
        cache.withLock { $0[name] = validator }
        return validator
    }

    /// The `application/json` request-body schema of an operation, e.g. `("/enqueue", "POST")`.
    package func requestBodySchema(path: String, method: String) throws -> JSONValue {
        guard let operation = document["paths"]?[path]?[method.lowercased()] else {
            throw OpenAPIContractError(message: "the contract has no \(method.uppercased()) \(path)")
        }
        guard let requestBody = operation["requestBody"].map(resolved),
            let schema = requestBody["content"]?["application/json"]?["schema"]
        else {
            throw OpenAPIContractError(message: "\(method.uppercased()) \(path) has no application/json request body in the contract")
        }
        return schema
    }

    /// Problems of `body` against the request-body schema of `method path`; empty when valid.
    package func validateRequestBody(_ body: JSONValue, path: String, method: String) throws -> [SchemaProblem] {
        validate(body, against: try requestBodySchema(path: path, method: method))
    }

    /// Problems of `value` against `schema` (a schema object of this document).
    package func validate(_ value: JSONValue, against schema: JSONValue, at path: String = "") -> [SchemaProblem] {
        let schema = resolved(schema)
        guard case .object(let keywords) = schema else { return [] }
        if value == .null {
            if keywords["nullable"]?.bool == true { return [] }
            if keywords["type"] != nil { return [SchemaProblem(path: path, message: "must not be null")] }
        }
        if let type = keywords["type"]?.string, !Self.value(value, hasType: type) {
            return [SchemaProblem(path: path, message: "expected \(type), got \(value.typeName)")]
        }
        var problems: [SchemaProblem] = []
        if let allowed = keywords["enum"]?.array, !allowed.contains(value) {
            let list = allowed.map { $0.string ?? $0.description }.joined(separator: ", ")
            problems.append(SchemaProblem(path: path, message: "\(Self.quoted(value)) is not one of \(list)"))
        }
        switch value {
        case .string(let text): problems += stringProblems(text, keywords, path)
        case .number(let number): problems += numberProblems(number, keywords, path)
        case .array(let items): problems += arrayProblems(items, keywords, path)
        case .object(let members): problems += objectProblems(members, keywords, path)
        default: break
        }
        problems += compositionProblems(value, keywords, path)
        return problems
    }

    /// Follows `$ref` (local JSON pointers such as `#/components/schemas/Payload`) until a
    /// schema without one; an unresolvable reference is treated as an empty schema.
    func resolved(_ schema: JSONValue) -> JSONValue {
        var current = schema
        var seen: Set<String> = []
        while let reference = current["$ref"]?.string {
            guard reference.hasPrefix("#/"), seen.insert(reference).inserted else { return [:] }
            var target: JSONValue? = document
            for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
                let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                target = target?[key]
            }
            guard let target else { return [:] }
            current = target
        }
        return current
    }

    private static func value(_ value: JSONValue, hasType type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("number", .number): true
        case ("integer", .number(let number)): number.rounded() == number
        default: false
        }
    }

    private static func quoted(_ value: JSONValue) -> String {
        if case .string(let text) = value { return "'\(text)'" }
        return value.description
    }

    private static func child(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func stringProblems(_ text: String, _ keywords: [String: JSONValue], _ path: String) -> [SchemaProblem] {
        var problems: [SchemaProblem] = []
        // JSON Schema counts characters as Unicode code points.
        let length = text.unicodeScalars.count
        if let maximum = keywords["maxLength"]?.number, Double(length) > maximum {
            problems.append(SchemaProblem(path: path, message: "is \(length) characters long, more than the maximum of \(Int(maximum))"))
        }
        if let minimum = keywords["minLength"]?.number, Double(length) < minimum {
            problems.append(SchemaProblem(path: path, message: "is \(length) characters long, less than the minimum of \(Int(minimum))"))
        }
        if let pattern = keywords["pattern"]?.string, let regex = try? NSRegularExpression(pattern: pattern),
            regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
        {
            problems.append(SchemaProblem(path: path, message: "'\(text)' does not match the pattern \(pattern)"))
        }
        if keywords["format"]?.string == "date-time", text.range(of: Self.dateTimePattern, options: .regularExpression) == nil {
            problems.append(SchemaProblem(path: path, message: "'\(text)' is not a date-time"))
        }
        return problems
    }

    /// RFC 3339 and the ISO 8601 variants the vendors' own examples use (`+0000`, no seconds).
    private static let dateTimePattern = #"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$"#

    private func numberProblems(_ number: Double, _ keywords: [String: JSONValue], _ path: String) -> [SchemaProblem] {
        var problems: [SchemaProblem] = []
        if let maximum = keywords["maximum"]?.number, number > maximum {
            problems.append(
                SchemaProblem(path: path, message: "\(JSONValue.number(number)) is more than the maximum of \(JSONValue.number(maximum))"))
        }
        if let minimum = keywords["minimum"]?.number, number < minimum {
            problems.append(
                SchemaProblem(path: path, message: "\(JSONValue.number(number)) is less than the minimum of \(JSONValue.number(minimum))"))
        }
        return problems
    }

    private func arrayProblems(_ items: [JSONValue], _ keywords: [String: JSONValue], _ path: String) -> [SchemaProblem] {
        var problems: [SchemaProblem] = []
        if let maximum = keywords["maxItems"]?.number, Double(items.count) > maximum {
            problems.append(SchemaProblem(path: path, message: "has \(items.count) items, more than the maximum of \(Int(maximum))"))
        }
        if let minimum = keywords["minItems"]?.number, Double(items.count) < minimum {
            problems.append(SchemaProblem(path: path, message: "has \(items.count) items, less than the minimum of \(Int(minimum))"))
        }
        if let itemSchema = keywords["items"] {
            for (index, item) in items.enumerated() {
                problems += validate(item, against: itemSchema, at: "\(path)[\(index)]")
            }
        }
        return problems
    }

    private func objectProblems(_ members: [String: JSONValue], _ keywords: [String: JSONValue], _ path: String) -> [SchemaProblem] {
        var problems: [SchemaProblem] = []
        for name in keywords["required"]?.array?.compactMap(\.string) ?? [] where members[name] == nil {
            problems.append(SchemaProblem(path: Self.child(path, name), message: "is required"))
        }
        let properties = keywords["properties"]?.object ?? [:]
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            if let propertySchema = properties[name] {
                problems += validate(member, against: propertySchema, at: Self.child(path, name))
                continue
            }
            switch keywords["additionalProperties"] {
            case .bool(false)?:
                problems.append(SchemaProblem(path: Self.child(path, name), message: "is not an allowed property"))
            case .object(let additional)? where !additional.isEmpty:
                problems += validate(member, against: .object(additional), at: Self.child(path, name))
            default:
                break
            }
        }
        return problems
    }

    private func compositionProblems(_ value: JSONValue, _ keywords: [String: JSONValue], _ path: String) -> [SchemaProblem] {
        var problems: [SchemaProblem] = []
        for schema in keywords["allOf"]?.array ?? [] {
            problems += validate(value, against: schema, at: path)
        }
        if let alternatives = keywords["anyOf"]?.array, !alternatives.isEmpty {
            let outcomes = alternatives.map { validate(value, against: $0, at: path) }
            if !outcomes.contains(where: \.isEmpty) {
                problems.append(Self.noAlternative(outcomes, path))
            }
        }
        if let alternatives = keywords["oneOf"]?.array, !alternatives.isEmpty {
            let outcomes = alternatives.map { validate(value, against: $0, at: path) }
            let matching = outcomes.filter(\.isEmpty).count
            if matching == 0 {
                problems.append(Self.noAlternative(outcomes, path))
            } else if matching > 1 {
                problems.append(SchemaProblem(path: path, message: "matches \(matching) of the oneOf alternatives, exactly one is allowed"))
            }
        }
        return problems
    }

    /// Reports the alternative that came closest, so the message still names a concrete problem.
    private static func noAlternative(_ outcomes: [[SchemaProblem]], _ path: String) -> SchemaProblem {
        let closest = outcomes.min { $0.count < $1.count } ?? []
        let detail = closest.map(\.description).joined(separator: "; ")
        return SchemaProblem(path: path, message: "matches none of the \(outcomes.count) allowed alternatives (closest: \(detail))")
    }
}

package struct OpenAPIContractError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
