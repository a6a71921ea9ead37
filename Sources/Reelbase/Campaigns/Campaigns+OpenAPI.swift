/// Documentation of `/campaigns`.
enum CampaignOperations {
    static let campaignFields: [String: JSONValue] = [
        "name": Schema.string, "description": Schema.string, "budget_usd": Schema.money, "tags": Schema.array(Schema.string),
    ]

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/campaigns", "List campaigns, newest first, with counts and reserved/spent money", tag: "campaigns",
                     query: ["include_archived", "tag", "cursor", "limit"], responses: [200: "A page of campaigns", 400: "Bad cursor or limit"]),
        APIOperation("POST", "/api/v1/campaigns", "Create a campaign (editors and owners)", tag: "campaigns",
                     body: Schema.object(campaignFields, required: ["name"]),
                     responses: [201: "Created", 403: "Viewers cannot create", 422: "Invalid name, budget or tags"]),
        APIOperation("GET", "/api/v1/campaigns/{id}", "One campaign", tag: "campaigns", responses: [200: "The campaign", 404: "No such campaign in this team"]),
        APIOperation("PATCH", "/api/v1/campaigns/{id}", "Change name, description, budget (null removes it; raising or removing a budget takes an owner) or tags", tag: "campaigns",
                     body: Schema.object(campaignFields), responses: [200: "Changed", 404: "No such campaign in this team", 422: "Invalid values"]),
        APIOperation("POST", "/api/v1/campaigns/{id}/archive", "Archive a campaign: hidden from the default list, kept for reports", tag: "campaigns",
                     responses: [200: "Archived", 404: "No such campaign in this team"]),
        APIOperation("POST", "/api/v1/campaigns/{id}/restore", "Bring an archived campaign back", tag: "campaigns",
                     responses: [200: "Restored", 404: "No such campaign in this team"]),
    ]
}
