/// Documentation of the team's own settings.
enum TeamOperations {
    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/team", "The team: name, budget, reserved, spent and what is still available", tag: "teams"),
        APIOperation("PATCH", "/api/v1/team", "Rename the team or set its budget (owners, audited); budget_usd null removes it",
                     tag: "teams", body: Schema.object(["name": Schema.string, "budget_usd": Schema.money]),
                     responses: [200: "Updated", 403: "Owners only", 422: "Invalid fields"]),
    ]
}
