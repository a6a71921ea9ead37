/// Documentation of `/webhook-endpoints`.
enum WebhookOperations {
    static let events = Schema.array(Schema.oneOf(WebhookEventType.names), max: WebhookEventType.allCases.count)
    static let url = Schema.string(min: 1, max: 2048)

    static let endpoint = Schema.record([
        "id": Schema.uuid, "url": Schema.string, "description": Schema.string, "events": Schema.array(Schema.oneOf(WebhookEventType.names)),
        "active": Schema.boolean, "created_at": Schema.dateTime, "updated_at": Schema.dateTime,
    ])
    static let withSecret = Schema.record(["endpoint": endpoint, "secret": Schema.string])
    static let delivery = Schema.record([
        "id": Schema.uuid, "event_id": Schema.uuid, "event_type": Schema.string, "status": Schema.oneOf(["pending", "succeeded", "failed"]),
        "attempts": Schema.integer, "response_status": Schema.nullable(Schema.integer), "latency_ms": Schema.nullable(Schema.integer),
        "last_error": Schema.nullable(Schema.string), "next_attempt_at": Schema.nullable(Schema.dateTime),
        "last_attempt_at": Schema.nullable(Schema.dateTime), "delivered_at": Schema.nullable(Schema.dateTime), "created_at": Schema.dateTime,
    ])

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/webhook-endpoints", "The team's webhook endpoints, newest first (secrets are never shown again)", tag: "webhooks",
                     query: QueryParameter.page, returns: Schema.page(of: endpoint)),
        APIOperation("POST", "/api/v1/webhook-endpoints", "Add an endpoint (owners, audited); the answer holds its whsec_ secret, shown this once", tag: "webhooks",
                     body: Schema.object(["url": url, "events": events, "description": Schema.string(max: 500), "active": Schema.boolean],
                                         required: ["url", "events"]),
                     returns: withSecret, responses: [201: "Created", 403: "Owners only", 422: "Unknown event, bad URL, or a URL the outbound guard refuses"]),
        APIOperation("GET", "/api/v1/webhook-endpoints/{id}", "One endpoint", tag: "webhooks", returns: endpoint),
        APIOperation("PATCH", "/api/v1/webhook-endpoints/{id}", "Change URL, events, description or the active switch (owners, audited)", tag: "webhooks",
                     body: Schema.object(["url": url, "events": events, "description": Schema.string(max: 500), "active": Schema.boolean]),
                     returns: endpoint, responses: [200: "Changed", 403: "Owners only", 422: "Invalid values"]),
        APIOperation("DELETE", "/api/v1/webhook-endpoints/{id}", "Delete an endpoint and its delivery log (owners, audited)", tag: "webhooks",
                     returns: endpoint, responses: [200: "Deleted", 403: "Owners only"]),
        APIOperation("POST", "/api/v1/webhook-endpoints/{id}/rotate-secret", "A new secret, shown this once; the old one also signs for 24 h (owners, audited)",
                     tag: "webhooks", returns: withSecret, responses: [200: "Rotated", 403: "Owners only"]),
        APIOperation("GET", "/api/v1/webhook-endpoints/{id}/deliveries", "The endpoint's delivery log, newest first: event, status, attempts, latency, response code, next attempt",
                     tag: "webhooks", query: QueryParameter.page, returns: Schema.page(of: delivery)),
        APIOperation("POST", "/api/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/redeliver",
                     "Send the same event (same webhook-id) again now, with a fresh round of retries (owners, audited)", tag: "webhooks",
                     returns: delivery, responses: [202: "Queued", 403: "Owners only"]),
    ]
}
