/// Documentation of the alert routes.
enum AlertOperations {
    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/alerts", "Alerts (provider key refused, credits exhausted), newest first; open ones unless include_resolved=true",
                     tag: "alerts", query: ["include_resolved", "cursor", "limit"]),
        APIOperation("POST", "/api/v1/alerts/{id}/resolve", "Resolve an alert (owners, audited): lifts the account's pause so queued jobs go again",
                     tag: "alerts", responses: [200: "Resolved", 403: "Owners only", 404: "Not found", 409: "Already resolved"]),
    ]
}
