/// Documentation of `/prompts`, their versions, labels, diffs and rendering.
enum PromptOperations {
    static let versionFields: [String: JSONValue] = [
        "text": Schema.string, "negative_prompt": Schema.string, "default_params": Schema.anyObject, "note": Schema.string,
    ]

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/prompts", "List prompts, newest first; `q` searches every version's text (full-text) and names", tag: "prompts",
                     query: ["q", "campaign_id", "cursor", "limit"], responses: [200: "A page of prompts with their latest version", 400: "Bad cursor or limit"]),
        APIOperation("POST", "/api/v1/prompts", "Create a prompt and its version 1 (editors and owners)", tag: "prompts",
                     body: Schema.object(versionFields.merging(["name": Schema.string, "campaign_id": Schema.uuid]) { a, _ in a }, required: ["name", "text"]),
                     responses: [201: "Created", 403: "Viewers cannot create", 422: "Invalid fields or unknown campaign"]),
        APIOperation("GET", "/api/v1/prompts/{id}", "One prompt with its latest version and labels", tag: "prompts",
                     responses: [200: "The prompt", 404: "No such prompt in this team"]),
        APIOperation("GET", "/api/v1/prompts/{id}/versions", "The prompt's versions, newest first", tag: "prompts",
                     query: ["cursor", "limit"], responses: [200: "A page of versions", 404: "No such prompt in this team"]),
        APIOperation("POST", "/api/v1/prompts/{id}/versions", "Append an immutable version; omitted fields carry over from the latest, null clears", tag: "prompts",
                     body: Schema.object(versionFields, required: ["text"]),
                     responses: [201: "Appended", 403: "Viewers cannot append", 404: "No such prompt in this team", 422: "Invalid fields"]),
        APIOperation("GET", "/api/v1/prompts/{id}/versions/{version}", "One version, by number or by label name", tag: "prompts",
                     responses: [200: "The version", 404: "No such prompt or version in this team"]),
        APIOperation("GET", "/api/v1/prompt-versions/{id}", "One version by its id (as seeds and generations refer to it)", tag: "prompts",
                     responses: [200: "The version", 404: "No such version in this team"]),
        APIOperation("GET", "/api/v1/prompts/{id}/diff", "Line diff between two versions (numbers or labels; default latest against the one before)", tag: "prompts",
                     query: ["from", "to"], responses: [200: "The diff", 404: "No such prompt or version"]),
        APIOperation("POST", "/api/v1/prompts/{id}/render", "Fill the {{variable}} placeholders of a version (default latest)", tag: "prompts",
                     body: Schema.object(["variables": Schema.anyObject, "version": Schema.string]),
                     responses: [200: "Rendered text", 404: "No such prompt or version", 422: "Missing variables, all named in details.missing"]),
        APIOperation("GET", "/api/v1/prompts/{id}/labels", "The prompt's labels and the versions they point at", tag: "prompts",
                     responses: [200: "Labels", 404: "No such prompt in this team"]),
        APIOperation("PUT", "/api/v1/prompts/{id}/labels/{name}", "Point a label (production, staging, any name) at a version; audited", tag: "prompts",
                     body: Schema.object(["version": Schema.integer], required: ["version"]),
                     responses: [200: "Label moved", 404: "No such prompt in this team", 422: "Bad label name or no such version"]),
        APIOperation("DELETE", "/api/v1/prompts/{id}/labels/{name}", "Remove a label; audited", tag: "prompts",
                     responses: [204: "Removed", 404: "No such prompt or label"]),
    ]
}
