/// Documentation of the team's own settings.
enum TeamOperations {
    static let team = Schema.record([
        "id": Schema.uuid, "name": Schema.string, "budget_usd": Schema.nullable(Schema.usd), "reserved_usd": Schema.usd,
        "spent_usd": Schema.usd, "available_usd": Schema.nullable(Schema.usd), "created_at": Schema.dateTime,
    ])

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/team", "The team: name, budget, reserved, spent and what is still available", tag: "teams", returns: team),
        APIOperation("PATCH", "/api/v1/team", "Rename the team or set its budget (owners, audited); budget_usd null removes it",
                     tag: "teams", body: Schema.object(["name": Schema.text(200), "budget_usd": Schema.nullable(CampaignOperations.budget)]),
                     returns: team, responses: [200: "Updated", 403: "Owners only", 422: "Invalid fields"]),
    ]
}
