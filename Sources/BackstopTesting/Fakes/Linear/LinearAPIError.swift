import GraphQL

/// An error the Linear fake reports the way Linear does: a GraphQL error whose `extensions`
/// carry `type` (the names Linear's SDK maps, e.g. "invalid input"), `code`, `userError` and a
/// `userPresentableMessage`.
struct LinearAPIError: Error, CustomStringConvertible {
    var message: String
    var type: String
    var code: String
    var userPresentableMessage: String
    var userError = true
    var statusCode: Int?

    var description: String { message }

    var extensions: [String: Map] {
        var extensions: [String: Map] = [
            "type": .string(type), "code": .string(code), "userError": .bool(userError),
            "userPresentableMessage": .string(userPresentableMessage),
        ]
        if let statusCode { extensions["statusCode"] = .int(statusCode) }
        return extensions
    }

    static func entityNotFound(_ entity: String) -> LinearAPIError {
        LinearAPIError(
            message: "Entity not found: \(entity)", type: "invalid input", code: "INPUT_ERROR",
            userPresentableMessage: "Could not find referenced \(entity).")
    }

    static func invalidInput(_ problem: String) -> LinearAPIError {
        LinearAPIError(message: "Argument Validation Error", type: "invalid input", code: "INPUT_ERROR", userPresentableMessage: problem)
    }

    static func duplicate(_ entity: String, id: String) -> LinearAPIError {
        LinearAPIError(
            message: "Conflict: \(entity) with id \(id) already exists", type: "invalid input", code: "INPUT_ERROR",
            userPresentableMessage: "An \(entity.lowercased()) with this id already exists.")
    }

    static func unsupported(_ field: String) -> LinearAPIError {
        LinearAPIError(
            message: "The Linear fake does not implement \(field)", type: "internal error", code: "INTERNAL_SERVER_ERROR",
            userPresentableMessage: "\(field) is not available in the test stand-in.", userError: false)
    }

    static let authentication = LinearAPIError(
        message: "Authentication required, not authenticated", type: "authentication error", code: "AUTHENTICATION_ERROR",
        userPresentableMessage: "You need to authenticate to access this operation.", statusCode: 401)

    static let rateLimited = LinearAPIError(
        message: "Rate limit exceeded", type: "ratelimited", code: "RATELIMITED",
        userPresentableMessage: "You have exceeded the API rate limit. Please wait before retrying.")
}
