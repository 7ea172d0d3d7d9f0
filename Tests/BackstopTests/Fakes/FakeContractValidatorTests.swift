import BackstopTesting
import Foundation
import Testing

@Suite struct FakeContractValidatorTests {
    static let document: JSONValue = [
        "openapi": "3.0.1",
        "paths": [
            "/things": [
                "post": [
                    "requestBody": ["content": ["application/json": ["schema": ["$ref": "#/components/schemas/Thing"]]]]
                ]
            ]
        ],
        "components": [
            "schemas": [
                "Thing": [
                    "type": "object", "required": ["name"], "additionalProperties": false,
                    "properties": [
                        "name": ["type": "string", "maxLength": 5],
                        "note": ["type": "string", "nullable": true],
                        "tags": ["type": "array", "maxItems": 2, "items": ["type": "string", "minLength": 1]],
                        "when": ["type": "string", "format": "date-time"],
                        "size": ["oneOf": [["type": "integer"], ["type": "string", "enum": ["small", "large"]]]],
                        "extra": ["type": "object", "additionalProperties": ["type": "boolean"]],
                        "child": ["allOf": [["$ref": "#/components/schemas/Child"]]],
                    ],
                ],
                "Child": ["type": "object", "properties": ["level": ["type": "integer", "minimum": 1, "maximum": 6]]],
            ]
        ],
    ]

    func problems(_ value: JSONValue) throws -> [String] {
        try OpenAPISchemaValidator(document: Self.document).validateRequestBody(value, path: "/things", method: "POST").map(\.description)
    }

    @Test func acceptsAValidValue() throws {
        let value: JSONValue = [
            "name": "disk", "note": nil, "tags": ["a"], "when": "2015-07-17T08:42:58.315+0000", "size": 3, "extra": ["on": true],
            "child": ["level": 2],
        ]
        #expect(try problems(value) == [])
    }

    @Test func namesEachProblemByItsJSONPath() throws {
        let value: JSONValue = [
            "name": "too long", "tags": ["", "b", "c"], "when": "yesterday", "size": "medium", "extra": ["on": "yes"],
            "child": ["level": 9], "colour": "red",
        ]
        #expect(
            try problems(value).sorted() == [
                "child.level: 9 is more than the maximum of 6",
                "colour: is not an allowed property",
                "extra.on: expected boolean, got string",
                "name: is 8 characters long, more than the maximum of 5",
                "size: matches none of the 2 allowed alternatives (closest: size: expected integer, got string)",
                "tags: has 3 items, more than the maximum of 2",
                "tags[0]: is 0 characters long, less than the minimum of 1",
                "when: 'yesterday' is not a date-time",
            ])
    }

    @Test func reportsMissingRequiredPropertiesAndNullWhereNotNullable() throws {
        #expect(try problems(["tags": nil]) == ["name: is required", "tags: must not be null"])
        #expect(try problems("a string") == ["expected object, got string"])
    }

    @Test func findsTheOfficialContractsAndTheirRequestBodies() throws {
        let pagerDuty = try OpenAPISchemaValidator.contract("pagerduty-events-v2.openapiv3.json")
        #expect(try pagerDuty.requestBodySchema(path: "/enqueue", method: "POST")["required"] == ["routing_key", "event_action"])
        let jira = try OpenAPISchemaValidator.contract("jira-platform-v3.subset.openapi.json")
        #expect(try jira.validateRequestBody(["fields": ["summary": "x"]], path: "/rest/api/3/issue", method: "POST") == [])
        #expect(throws: OpenAPIContractError.self) { try jira.requestBodySchema(path: "/nowhere", method: "POST") }
    }

    @Test func explainsWhereItLookedWhenTheContractsAreMissing() throws {
        let error = #expect(throws: ContractFilesError.self) {
            try ContractFiles.directory(environment: [ContractFiles.environmentVariable: "/nonexistent/contracts"])
        }
        #expect(error?.description == "BACKSTOP_CONTRACTS_DIR=/nonexistent/contracts is not a directory")
        let found = try ContractFiles.directory(environment: [:])
        #expect(FileManager.default.fileExists(atPath: found.appendingPathComponent("linear-schema.graphql").path))
    }
}
