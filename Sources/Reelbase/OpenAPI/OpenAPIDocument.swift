import Foundation

/// One documented operation. Each feature lists its own in `<Feature>+OpenAPI.swift`;
/// a test fails when the router has a route that no list documents, or a JSON success answer
/// without a schema (`returns`).
public struct APIOperation: Sendable {
    public let method: String
    /// OpenAPI-style path, e.g. `/api/v1/api-keys/{id}`.
    public let path: String
    public let summary: String
    public let tag: String
    /// The JSON request body (see `Schema.object`); `bodyContent` instead for other media types.
    public var requestBody: JSONValue?
    public var bodyContent: [String: JSONValue]?
    public var queryParameters: [QueryParameter]
    /// The JSON body of every 2xx answer except 204 (see `Schema.record`, `Schema.page`).
    public var returns: JSONValue?
    /// Media types of the 2xx answers: JSON by default; e.g. `video/mp4` for bytes.
    public var produces: [String]
    public var responses: [Int: String]
    /// Statuses whose body is not the usual one (e.g. a 503 that still answers `returns`' shape).
    public var bodies: [Int: JSONValue]
    public var isPublic: Bool
    /// A security scheme of its own (the gateway's `x-api-key`) instead of the API's.
    public var securityScheme: String?

    public init(_ method: String, _ path: String, _ summary: String, tag: String, body: JSONValue? = nil, bodyContent: [String: JSONValue]? = nil,
                query: [QueryParameter] = [], returns: JSONValue? = nil, produces: [String] = ["application/json"],
                responses: [Int: String] = [200: "OK"], bodies: [Int: JSONValue] = [:], isPublic: Bool = false) {
        self.method = method
        self.path = path
        self.summary = summary
        self.tag = tag
        self.requestBody = body
        self.bodyContent = bodyContent
        self.queryParameters = query
        self.returns = returns
        self.produces = produces
        self.responses = responses
        self.bodies = bodies
        self.isPublic = isPublic
    }

    /// Every status this operation can answer: the listed ones plus those every route of its
    /// kind shares (401 behind auth, 400 for bad query or body, 404 for an unknown id).
    var allResponses: [Int: String] {
        var all = responses
        if !isPublic { all[401] = all[401] ?? "Unauthenticated" }
        if requestBody != nil || bodyContent != nil || !queryParameters.isEmpty { all[400] = all[400] ?? "Malformed request" }
        if requestBody != nil {
            all[415] = all[415] ?? "Not JSON"
            all[422] = all[422] ?? "Invalid fields"
        }
        if path.contains("{") { all[404] = all[404] ?? "Not found in this team" }
        return all
    }

    /// The documented body of an answer with this status.
    func content(for status: Int) -> JSONValue {
        if let schema = bodies[status] { return ["application/json": ["schema": schema]] }
        if status >= 400 { return ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]] }
        if status == 204 || status == 304 { return [:] }
        return .object(Dictionary(uniqueKeysWithValues: produces.map { media in
            let schema = media.hasPrefix("application/json") ? (returns ?? Schema.anyValue)
                : media == "text/event-stream" ? Schema.serverSentEvent : ["type": "string", "format": "binary"]
            return (media, ["schema": schema])
        }))
    }
}

public enum OpenAPIDocument {
    /// Every feature's operations; add a feature's list here when it adds routes.
    public static var operations: [APIOperation] {
        HealthOperations.all + FoundationOperations.all + ProviderOperations.all + LibraryOperations.all + GenerationOperations.all
            + StoryboardOperations.all + PosterOperations.all + CutOperations.all + EventOperations.all + SpendOperations.all + AlertOperations.all + TeamOperations.all
            + ReviewOperations.all + SharingOperations.all
            + GatewayOperations.all
            + WebhookOperations.all
            + ReconciliationOperations.all
    }

    public static func build(version: String = ReelbaseVersion.current) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for operation in operations {
            var entry: [String: JSONValue] = [
                "summary": .string(operation.summary),
                "tags": [.string(operation.tag)],
                "operationId": .string(operation.method.lowercased() + operation.path.replacingOccurrences(of: "/", with: "_")),
                "responses": .object(Dictionary(uniqueKeysWithValues: operation.allResponses.map {
                    (String($0.key), ["description": .string($0.value), "content": operation.content(for: $0.key)])
                })),
            ]
            var parameters: [JSONValue] = pathParameters(operation.path).map {
                ["name": .string($0), "in": "path", "required": true, "schema": $0 == "id" ? Schema.uuid : Schema.string(min: 1, max: 200)]
            }
            parameters += operation.queryParameters.map { ["name": .string($0.name), "in": "query", "required": false, "schema": $0.schema] }
            if !parameters.isEmpty { entry["parameters"] = .array(parameters) }
            if let content = operation.bodyContent ?? operation.requestBody.map({ ["application/json": $0] }) {
                entry["requestBody"] = ["required": true, "content": .object(content.mapValues { ["schema": $0] })]
            }
            if operation.isPublic { entry["security"] = .array([]) }
            if let scheme = operation.securityScheme { entry["security"] = [.object([scheme: []])] }
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
                    "segmindKey": ["type": "apiKey", "in": "header", "name": "x-api-key", "description": "The gateway's key header (as the Segmind SDK sends it): a Reelbase API key"],
                ],
                "schemas": [
                    "Error": Schema.record(["error": Schema.record(["code": Schema.string, "message": Schema.string, "details": Schema.nullable(Schema.anyValue), "request_id": Schema.string])]),
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
