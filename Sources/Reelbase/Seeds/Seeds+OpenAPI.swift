/// Documentation of `/seeds`.
enum SeedOperations {
    static let seed = Schema.record([
        "id": Schema.uuid, "value": Schema.integer, "note": Schema.string, "prompt_version_id": Schema.nullable(Schema.uuid),
        "model": Schema.nullable(Schema.string), "campaign_id": Schema.nullable(Schema.uuid), "created_by": Schema.nullable(Schema.uuid),
        "created_at": Schema.dateTime,
    ])

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/seeds", "List saved seeds, newest first", tag: "seeds",
                     query: [.uuid("prompt_version_id"), .uuid("prompt_id"), "model", .uuid("campaign_id")] + QueryParameter.page,
                     returns: Schema.page(of: seed), responses: [200: "A page of seeds", 400: "Bad filter, cursor or limit"]),
        APIOperation("POST", "/api/v1/seeds", "Save a seed with a note and the prompt version / model it worked well with", tag: "seeds",
                     body: Schema.object(["value": Schema.integer(0...4_294_967_295), "note": Schema.string(max: 2000), "prompt_version_id": Schema.uuid,
                                          "model": Schema.string(max: 200), "campaign_id": Schema.uuid], required: ["value"]),
                     returns: seed, responses: [201: "Saved", 403: "Viewers cannot save", 422: "Invalid value or unknown prompt version / campaign"]),
        APIOperation("GET", "/api/v1/seeds/{id}", "One seed", tag: "seeds", returns: seed, responses: [200: "The seed", 404: "No such seed in this team"]),
        APIOperation("DELETE", "/api/v1/seeds/{id}", "Forget a seed", tag: "seeds",
                     responses: [204: "Deleted", 403: "Viewers cannot delete", 404: "No such seed in this team", 409: "A generation refers to it"]),
    ]
}
