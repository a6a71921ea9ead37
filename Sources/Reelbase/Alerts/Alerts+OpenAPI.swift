/// Documentation of the alert routes.
enum AlertOperations {
    static let alert = Schema.record([
        "id": Schema.uuid, "account_key": Schema.nullable(Schema.string), "kind": Schema.string, "message": Schema.string,
        "created_at": Schema.dateTime, "resolved_at": Schema.nullable(Schema.dateTime), "paused": Schema.boolean,
        "paused_until": Schema.nullable(Schema.dateTime),
    ])

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/alerts", "Alerts (provider key refused, credits exhausted), newest first; open ones unless include_resolved=true",
                     tag: "alerts", query: [.boolean("include_resolved")] + QueryParameter.page, returns: Schema.page(of: alert)),
        APIOperation("POST", "/api/v1/alerts/{id}/resolve", "Resolve an alert (owners, audited): lifts the account's pause so queued jobs go again",
                     tag: "alerts", returns: alert, responses: [200: "Resolved", 403: "Owners only", 404: "Not found", 409: "Already resolved"]),
    ]
}
