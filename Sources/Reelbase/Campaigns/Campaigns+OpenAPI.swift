/// Documentation of `/campaigns`.
enum CampaignOperations {
    static let budget = Schema.money
    static let tags = Schema.array(Schema.text(64), max: 32)

    static let campaign = Schema.record([
        "id": Schema.uuid, "name": Schema.string, "description": Schema.string, "budget_usd": Schema.nullable(Schema.usd),
        "reserved_usd": Schema.usd, "spent_usd": Schema.usd, "tags": Schema.array(Schema.string),
        "counts": Schema.record(["prompts": Schema.integer, "assets": Schema.integer, "seeds": Schema.integer]),
        "created_at": Schema.dateTime, "updated_at": Schema.dateTime, "archived_at": Schema.nullable(Schema.dateTime),
    ])

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/campaigns", "List campaigns, newest first, with counts and reserved/spent money", tag: "campaigns",
                     query: [.boolean("include_archived"), "tag"] + QueryParameter.page, returns: Schema.page(of: campaign),
                     responses: [200: "A page of campaigns", 400: "Bad cursor or limit"]),
        APIOperation("POST", "/api/v1/campaigns", "Create a campaign (editors and owners)", tag: "campaigns",
                     body: Schema.object(["name": Schema.text(200), "description": Schema.string(max: 5000), "budget_usd": budget, "tags": tags], required: ["name"]),
                     returns: campaign, responses: [201: "Created", 403: "Viewers cannot create", 422: "Invalid name, budget or tags"]),
        APIOperation("GET", "/api/v1/campaigns/{id}", "One campaign", tag: "campaigns", returns: campaign,
                     responses: [200: "The campaign", 404: "No such campaign in this team"]),
        APIOperation("PATCH", "/api/v1/campaigns/{id}", "Change name, description, budget (null removes it; raising or removing a budget takes an owner) or tags", tag: "campaigns",
                     body: Schema.object(["name": Schema.text(200), "description": Schema.string(max: 5000), "budget_usd": Schema.nullable(budget), "tags": tags]),
                     returns: campaign, responses: [200: "Changed", 403: "Viewers cannot change", 404: "No such campaign in this team", 422: "Invalid values"]),
        APIOperation("POST", "/api/v1/campaigns/{id}/archive", "Archive a campaign: hidden from the default list, kept for reports", tag: "campaigns",
                     returns: campaign, responses: [200: "Archived", 403: "Viewers cannot archive", 404: "No such campaign in this team"]),
        APIOperation("POST", "/api/v1/campaigns/{id}/restore", "Bring an archived campaign back", tag: "campaigns",
                     returns: campaign, responses: [200: "Restored", 403: "Viewers cannot restore", 404: "No such campaign in this team"]),
    ]
}
