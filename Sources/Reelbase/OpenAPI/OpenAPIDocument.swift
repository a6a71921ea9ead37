import Foundation

/// One documented operation. Each feature lists its own in `<Feature>+OpenAPI.swift`;
/// a test fails when the router has a route that no list documents.
public struct APIOperation: Sendable {
    public let method: String
    /// OpenAPI-style path, e.g. `/api/v1/api-keys/{id}`.
    public let path: String
    public let summary: String
    public let tag: String
    public var requestBody: JSONValue?
    public var queryParameters: [String]
    public var responses: [Int: String]
    public var isPublic: Bool
    /// The 200 answer's media type when it is not JSON (an event stream, an image).
    public var streamContentType: String?

    public init(_ method: String, _ path: String, _ summary: String, tag: String, body: JSONValue? = nil,
                query: [String] = [], responses: [Int: String] = [200: "OK"], isPublic: Bool = false, streamContentType: String? = nil) {
        self.streamContentType = streamContentType
        self.method = method
        self.path = path
        self.summary = summary
        self.tag = tag
        self.requestBody = body
        self.queryParameters = query
        self.responses = responses
        self.isPublic = isPublic
    }
}

/// Small JSON-schema helpers so operation lists stay readable.
public enum Schema {
    public static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        .object(["type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) })])
    }
    public static let string: JSONValue = ["type": "string"]
    public static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    public static let integer: JSONValue = ["type": "integer"]
    public static let number: JSONValue = ["type": "number"]
    public static let boolean: JSONValue = ["type": "boolean"]
    /// A USD amount (Money): a JSON number or a plain decimal string, at most 6 decimals.
    public static let money: JSONValue = [
        "description": "USD, at most 6 decimals; a JSON number or a decimal string like \"12.50\" (nothing else in the string)",
        "oneOf": [["type": "number", "minimum": 0], ["type": "string", "pattern": "^[0-9]{1,12}(\\.[0-9]{1,6})?$"]],
    ]
    public static let anyObject: JSONValue = ["type": "object"]
    public static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }
    public static func oneOf(_ values: [String]) -> JSONValue { .object(["type": "string", "enum": .array(values.map { .string($0) })]) }
}

public enum OpenAPIDocument {
    /// Every feature's operations; add a feature's list here when it adds routes.
    public static var operations: [APIOperation] {
        HealthOperations.all + FoundationOperations.all + ProviderOperations.all + LibraryOperations.all + GenerationOperations.all
            + SpendOperations.all + AlertOperations.all + TeamOperations.all + EventOperations.all + PosterOperations.all
    }

    public static func build(version: String = ReelbaseVersion.current) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for operation in operations {
            var entry: [String: JSONValue] = [
                "summary": .string(operation.summary),
                "tags": [.string(operation.tag)],
                "operationId": .string(operation.method.lowercased() + operation.path.replacingOccurrences(of: "/", with: "_")),
                "responses": .object(Dictionary(uniqueKeysWithValues: (operation.responses.merging(operation.isPublic ? [:] : [401: "Unauthenticated"]) { a, _ in a })
                    .map { (String($0.key), JSONValue.object(["description": .string($0.value),
                        "content": $0.key >= 400 ? ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]
                            : $0.key == 200 && operation.streamContentType != nil ? .object([operation.streamContentType!: ["schema": Schema.string]]) : .object([:])])) })),
            ]
            var parameters: [JSONValue] = pathParameters(operation.path).map {
                ["name": .string($0), "in": "path", "required": true, "schema": Schema.string]
            }
            parameters += operation.queryParameters.map { ["name": .string($0), "in": "query", "required": false, "schema": Schema.string] }
            if !parameters.isEmpty { entry["parameters"] = .array(parameters) }
            if let body = operation.requestBody {
                entry["requestBody"] = ["required": true, "content": ["application/json": .object(["schema": body])]]
            }
            if operation.isPublic { entry["security"] = .array([]) }
            paths[operation.path, default: [:]][operation.method.lowercased()] = .object(entry)
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "Reelbase API", "version": .string(version),
                     "description": "Prompts, images, seeds and generated videos for teams using Veo through Segmind and the AI/ML API. Every list answers {data, next_cursor}; every error answers {error: {code, message}}."],
            "servers": [["url": "/"]],
            "security": [["apiKey": []], ["session": []]],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": [
                "securitySchemes": [
                    "apiKey": ["type": "http", "scheme": "bearer", "description": "An API key: Authorization: Bearer rb_..."],
                    "session": ["type": "apiKey", "in": "cookie", "name": "reelbase_session"],
                ],
                "schemas": [
                    "Error": Schema.object(["error": Schema.object(["code": Schema.string, "message": Schema.string, "details": Schema.anyObject, "request_id": Schema.string], required: ["code", "message"])], required: ["error"]),
                ],
            ],
        ]
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }
}

public enum ReelbaseVersion {
    public static let current = "0.1.0"
}
