/// Documentation of provider accounts, models, prices and credits.
enum ProviderOperations {
    static let account = Schema.object([
        "provider": Schema.oneOf(["segmind", "aimlapi"]), "name": Schema.string, "api_key": Schema.string,
        "base_url": Schema.string, "concurrency_limit": Schema.integer, "mode": Schema.oneOf(["async", "sync"]),
    ], required: ["provider", "name", "api_key"])

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/provider-accounts", "List provider accounts (owners; keys shown as last 4 characters)", tag: "providers", responses: [200: "OK", 403: "Owners only"]),
        APIOperation("POST", "/api/v1/provider-accounts", "Add a provider account; the key is encrypted at rest and never returned. A base_url must pass the outbound policy (https, public addresses)", tag: "providers",
                     body: account, responses: [201: "Created", 403: "Owners only", 422: "Invalid fields, or a base_url the outbound policy refuses"]),
        APIOperation("GET", "/api/v1/provider-accounts/{id}", "One provider account", tag: "providers", responses: [200: "OK", 404: "Not found"]),
        APIOperation("PATCH", "/api/v1/provider-accounts/{id}", "Change name, key, base URL, concurrency limit or mode; changing base_url needs api_key in the same request", tag: "providers",
                     body: Schema.object(["name": Schema.string, "api_key": Schema.string, "base_url": Schema.string, "concurrency_limit": Schema.integer, "mode": Schema.oneOf(["async", "sync"])]),
                     responses: [200: "Updated", 404: "Not found", 422: "Invalid fields (base_url without api_key, a refused base_url)"]),
        APIOperation("DELETE", "/api/v1/provider-accounts/{id}", "Remove a provider account (kept for history)", tag: "providers", responses: [204: "Removed", 404: "Not found"]),
        APIOperation("POST", "/api/v1/provider-accounts/{id}/check", "Ask the provider for the balance and record it", tag: "providers",
                     responses: [200: "Balance", 404: "Not found", 422: "The base_url is refused now", 502: "The provider refused or failed (kind and status only)"]),
        APIOperation("GET", "/api/v1/models", "The model catalog with allowed parameters and estimate ranges", tag: "models"),
        APIOperation("GET", "/api/v1/prices", "The team's price table (own rows and instance defaults)", tag: "models"),
        APIOperation("PUT", "/api/v1/prices", "Replace the team's own price rows (owners, audited); [] returns to the defaults", tag: "models",
                     body: Schema.object(["rows": Schema.array(Schema.object(["model_id": Schema.string, "resolution": Schema.string, "generate_audio": Schema.boolean,
                                                                              "unit": Schema.oneOf(["per_second", "per_generation"]), "usd": Schema.money], required: ["model_id", "unit", "usd"]))], required: ["rows"]),
                     responses: [200: "Replaced", 403: "Owners only", 422: "Invalid rows"]),
        APIOperation("GET", "/api/v1/credits", "Balance history of the team's provider accounts, newest first", tag: "credits", query: ["account_id", "cursor", "limit"]),
    ]
}
