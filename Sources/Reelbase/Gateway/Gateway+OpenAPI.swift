/// Documentation of the Segmind-compatible gateway (its own tag; the key goes in `x-api-key`).
enum GatewayOperations {
    /// Segmind's error shape.
    static let error = Schema.record(["error": Schema.string])
    static let statusValues = Schema.oneOf(["QUEUED", "PROCESSING", "COMPLETED", "FAILED"])
    static let submitted = Schema.record([
        "request_id": Schema.string, "status": statusValues, "status_url": Schema.string, "response_url": Schema.string, "poll_url": Schema.string,
    ])
    static let status = Schema.record(["request_id": Schema.string, "status": statusValues, "error": Schema.nullable(Schema.string)])
    static let result: JSONValue = [
        "type": "object", "required": ["request_id", "status", "output", "metrics"],
        "properties": [
            "request_id": Schema.string, "status": statusValues, "output": Schema.nullable(Schema.string), "error": Schema.string,
            "metrics": Schema.record(["cost": Schema.usd, "remaining_credits": Schema.nullable(Schema.usd),
                                      "queue_time": Schema.nullable(Schema.number), "inference_time": Schema.nullable(Schema.number)]),
        ],
    ]
    /// The model's parameters by Segmind's names; images as https URLs or base64 (JSON) or files (multipart).
    static let parameters = Schema.object([
        "prompt": Schema.string(min: 1, max: 20_000), "negative_prompt": Schema.string, "duration": Schema.integer, "resolution": Schema.string,
        "aspect_ratio": Schema.string, "generate_audio": Schema.boolean, "seed": Schema.integer, "fps": Schema.integer,
        "image": Schema.string, "image_url": Schema.string, "last_frame": Schema.string, "reference_images": Schema.array(Schema.string),
    ], required: ["prompt"])
    static let errors: [Int: String] = [400: "Bad parameters (all named)", 401: "Missing or invalid x-api-key", 403: "A read-only key, or a model outside the key's list",
                                        404: "Unknown model", 406: "Over the key's, campaign's or team's budget", 429: "Over the key's rate limit"]
    static func bodies(_ statuses: [Int]) -> [Int: JSONValue] { Dictionary(uniqueKeysWithValues: statuses.map { ($0, error) }) }
    static let allErrorStatuses = [400, 401, 403, 404, 406, 413, 415, 422, 429, 500, 504]

    static func operation(_ method: String, _ path: String, _ summary: String, body: Bool = false, returns: JSONValue? = nil,
                          produces: [String] = ["application/json"], responses: [Int: String]) -> APIOperation {
        var operation = APIOperation(method, path, summary, tag: "gateway",
                                     bodyContent: body ? ["application/json": parameters, "multipart/form-data": parameters] : nil,
                                     returns: returns, produces: produces, responses: responses, bodies: bodies(allErrorStatuses))
        operation.securityScheme = "segmindKey"
        return operation
    }

    static let all: [APIOperation] = [
        operation("POST", "/v1/{slug}", "Segmind v1: run a model and wait (up to REELBASE_GATEWAY_MAX_WAIT_SECONDS); answers the MP4 with x-remaining-credits, x-cost, x-request-id",
                  body: true, produces: ["video/mp4"],
                  responses: errors.merging([200: "The video", 422: "The generation failed (provider's message)", 504: "Still running; follow /v2/requests/{id}/status"]) { $1 }),
        operation("POST", "/v2/{slug}", "Segmind v2: queue a generation; answers request_id, status, status_url, response_url",
                  body: true, returns: submitted, responses: errors.merging([200: "Queued"]) { $1 }),
        operation("GET", "/v2/requests/{id}/status", "Segmind v2 status: QUEUED, PROCESSING, COMPLETED or FAILED (422 with the FAILED body)",
                  returns: status, responses: [200: "The status", 401: "Missing or invalid x-api-key", 404: "Unknown, expired or another team's request",
                                               422: "FAILED (the body says why)"]),
        operation("GET", "/v2/requests/{id}", "Segmind v2 result: status, output (the archived video's URL), metrics (422 with the FAILED body)",
                  returns: result, responses: [200: "The result", 401: "Missing or invalid x-api-key", 404: "Unknown, expired or another team's request",
                                               422: "FAILED (the body says why)"]),
        operation("GET", "/v2/requests/{id}/output", "The archived video of a completed gateway request", produces: ["video/mp4"],
                  responses: [200: "The video", 401: "Missing or invalid x-api-key", 404: "No such request, or no video yet"]),
    ]
}
