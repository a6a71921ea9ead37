/// Documentation of `/seeds`.
enum SeedOperations {
    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/seeds", "List saved seeds, newest first", tag: "seeds",
                     query: ["prompt_version_id", "prompt_id", "model", "campaign_id", "cursor", "limit"],
                     responses: [200: "A page of seeds", 400: "Bad filter, cursor or limit"]),
        APIOperation("POST", "/api/v1/seeds", "Save a seed with a note and the prompt version / model it worked well with", tag: "seeds",
                     body: Schema.object(["value": Schema.integer, "note": Schema.string, "prompt_version_id": Schema.uuid,
                                          "model": Schema.string, "campaign_id": Schema.uuid], required: ["value"]),
                     responses: [201: "Saved", 403: "Viewers cannot save", 422: "Invalid value or unknown prompt version / campaign"]),
        APIOperation("GET", "/api/v1/seeds/{id}", "One seed", tag: "seeds", responses: [200: "The seed", 404: "No such seed in this team"]),
        APIOperation("DELETE", "/api/v1/seeds/{id}", "Forget a seed", tag: "seeds", responses: [204: "Deleted", 404: "No such seed in this team", 409: "A generation refers to it"]),
    ]
}
