/// Documentation of `/prompts`, their versions, labels, diffs and rendering.
enum PromptOperations {
    static let text = Schema.string(min: 1, max: 20_000, pattern: "\\S")
    static let versionFields: [String: JSONValue] = [
        "text": text, "negative_prompt": Schema.nullable(Schema.string(max: 20_000)), "default_params": Schema.nullable(Schema.anyObject),
        "note": Schema.string(max: 2000),
    ]
    static let label = Schema.string(min: 1, max: 63, pattern: "^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$")
    static let scalar: JSONValue = ["type": ["string", "number", "boolean"]]

    static let version = Schema.record([
        "id": Schema.uuid, "prompt_id": Schema.uuid, "version": Schema.integer, "text": Schema.string,
        "negative_prompt": Schema.nullable(Schema.string), "default_params": Schema.anyValue, "note": Schema.nullable(Schema.string),
        "variables": Schema.array(Schema.string), "created_by": Schema.nullable(Schema.uuid), "created_at": Schema.dateTime,
    ])
    static let prompt = Schema.record([
        "id": Schema.uuid, "name": Schema.string, "campaign_id": Schema.nullable(Schema.uuid), "latest_version": Schema.integer,
        "latest": version, "labels": Schema.map(Schema.integer), "created_at": Schema.dateTime, "updated_at": Schema.dateTime,
    ])
    static let labelRecord = Schema.record([
        "name": Schema.string, "version": Schema.integer, "updated_by": Schema.nullable(Schema.uuid), "updated_at": Schema.dateTime,
    ])
    static let change = Schema.nullable(Schema.record(["from": Schema.anyValue, "to": Schema.anyValue]))
    static let diff = Schema.record([
        "prompt_id": Schema.uuid, "from": Schema.integer, "to": Schema.integer, "changed_fields": Schema.array(Schema.string),
        "lines": Schema.array(Schema.record(["op": Schema.oneOf(["context", "added", "removed"]), "text": Schema.string,
                                             "old_line": Schema.nullable(Schema.integer), "new_line": Schema.nullable(Schema.integer)])),
        "unified": Schema.string, "negative_prompt": change, "default_params": change,
    ])
    static let rendered = Schema.record([
        "prompt_id": Schema.uuid, "version": Schema.integer, "text": Schema.string, "negative_prompt": Schema.nullable(Schema.string),
        "default_params": Schema.anyValue,
    ])

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/prompts", "List prompts, newest first; `q` searches every version's text (full-text) and names", tag: "prompts",
                     query: [.init("q", Schema.string(max: 500)), .uuid("campaign_id")] + QueryParameter.page, returns: Schema.page(of: prompt),
                     responses: [200: "A page of prompts with their latest version", 400: "Bad cursor or limit"]),
        APIOperation("POST", "/api/v1/prompts", "Create a prompt and its version 1 (editors and owners)", tag: "prompts",
                     body: Schema.object(versionFields.merging(["name": Schema.text(200), "campaign_id": Schema.uuid]) { a, _ in a }, required: ["name", "text"]),
                     returns: prompt, responses: [201: "Created", 403: "Viewers cannot create", 422: "Invalid fields or unknown campaign"]),
        APIOperation("GET", "/api/v1/prompts/{id}", "One prompt with its latest version and labels", tag: "prompts", returns: prompt,
                     responses: [200: "The prompt", 404: "No such prompt in this team"]),
        APIOperation("GET", "/api/v1/prompts/{id}/versions", "The prompt's versions, newest first", tag: "prompts",
                     query: QueryParameter.page, returns: Schema.page(of: version), responses: [200: "A page of versions", 404: "No such prompt in this team"]),
        APIOperation("POST", "/api/v1/prompts/{id}/versions", "Append an immutable version; omitted fields carry over from the latest, null clears", tag: "prompts",
                     body: Schema.object(versionFields, required: ["text"]), returns: version,
                     responses: [201: "Appended", 403: "Viewers cannot append", 404: "No such prompt in this team", 422: "Invalid fields"]),
        APIOperation("GET", "/api/v1/prompts/{id}/versions/{version}", "One version, by number or by label name", tag: "prompts", returns: version,
                     responses: [200: "The version", 404: "No such prompt or version in this team"]),
        APIOperation("GET", "/api/v1/prompt-versions/{id}", "One version by its id (as seeds and generations refer to it)", tag: "prompts", returns: version,
                     responses: [200: "The version", 404: "No such version in this team"]),
        APIOperation("GET", "/api/v1/prompts/{id}/diff", "Line diff between two versions (numbers or labels; default latest against the one before)", tag: "prompts",
                     query: [.init("from", Schema.string(max: 63)), .init("to", Schema.string(max: 63))], returns: diff,
                     responses: [200: "The diff", 404: "No such prompt or version"]),
        APIOperation("POST", "/api/v1/prompts/{id}/render", "Fill the {{variable}} placeholders of a version (default latest)", tag: "prompts",
                     body: Schema.object(["variables": Schema.map(scalar), "version": ["type": ["string", "integer"]]]), returns: rendered,
                     responses: [200: "Rendered text", 404: "No such prompt or version", 422: "Missing variables, all named in details.missing"]),
        APIOperation("GET", "/api/v1/prompts/{id}/labels", "The prompt's labels and the versions they point at", tag: "prompts",
                     returns: Schema.page(of: labelRecord), responses: [200: "Labels", 404: "No such prompt in this team"]),
        APIOperation("PUT", "/api/v1/prompts/{id}/labels/{name}", "Point a label (production, staging, any name) at a version; audited", tag: "prompts",
                     body: Schema.object(["version": Schema.integer(1...1_000_000)], required: ["version"]), returns: labelRecord,
                     responses: [200: "Label moved", 403: "Viewers cannot move labels", 404: "No such prompt in this team", 422: "Bad label name or no such version"]),
        APIOperation("DELETE", "/api/v1/prompts/{id}/labels/{name}", "Remove a label; audited", tag: "prompts",
                     responses: [204: "Removed", 403: "Viewers cannot remove labels", 404: "No such prompt or label"]),
    ]
}
