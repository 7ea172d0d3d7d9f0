import Foundation
import GraphQL

/// Linear's GraphQL schema, built once per process from the SDL contract, with the fake's
/// resolvers on the root fields. Everything below the root is answered by GraphQL's default
/// resolver reading dictionaries, so the engine shapes every answer by the selection set.
enum LinearSchema {
    static let contractFile = "linear-schema.graphql"

    struct Built: Sendable {
        var schema: GraphQLSchema
        /// How long parsing and building the SDL took.
        var buildDuration: Duration
    }

    /// Built on first use; the SDL is over a megabyte.
    static let built: Swift.Result<Built, any Error> = Swift.Result {
        let source = try String(decoding: ContractFiles.data(contractFile), as: UTF8.self)
        let clock = ContinuousClock()
        let start = clock.now
        let schema = try buildSchema(source: source)
        let duration = clock.now - start
        try attachResolvers(to: schema)
        return Built(schema: schema, buildDuration: duration)
    }

    static func schema() throws -> GraphQLSchema {
        try built.get().schema
    }

    /// Every Query and Mutation field resolves through the request's ``LinearTransaction``;
    /// fields the fake does not model fail with a message saying so instead of a bare null.
    private static func attachResolvers(to schema: GraphQLSchema) throws {
        for root in [schema.queryType, schema.mutationType].compactMap({ $0 }) {
            let fields = try root.fields()
            let typeName = root.name
            for (name, field) in fields {
                field.resolve = { _, arguments, context, _ in
                    guard let transaction = context as? LinearTransaction else {
                        throw LinearAPIError.unsupported("\(typeName).\(name) without a request transaction")
                    }
                    return try transaction.resolve(root: typeName, field: name, arguments: arguments)
                }
            }
            // Setting the fields again drops the definitions cached before the resolvers existed.
            root.fields = { fields }
        }
    }
}
