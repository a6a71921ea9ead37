/// Documentation of provider accounts, models, prices and credits.
enum ProviderOperations {
    static let apiKey = Schema.string(min: 8, max: 512, pattern: "^\\S+$")
    static let baseURL = Schema.string(min: 8, max: 2000, pattern: "^https?://[^/?#@\\s]+(/[^?#\\s]*)?$")
    static let concurrency = Schema.integer(1...100)
    static let mode = Schema.oneOf(["async", "sync"])

    static let account = Schema.object([
        "provider": Schema.oneOf(["segmind", "aimlapi"]), "name": Schema.text(200), "api_key": apiKey,
        "base_url": baseURL, "concurrency_limit": concurrency, "mode": mode,
    ], required: ["provider", "name", "api_key"])

    static let record = Schema.record([
        "id": Schema.uuid, "provider": Schema.string, "name": Schema.string, "api_key_last4": Schema.string,
        "base_url": Schema.nullable(Schema.string), "concurrency_limit": Schema.integer, "mode": mode,
        "paused_until": Schema.nullable(Schema.dateTime), "pause_reason": Schema.nullable(Schema.string),
        "created_at": Schema.dateTime, "updated_at": Schema.dateTime,
    ])
    static let checkResult = Schema.record([
        "account_id": Schema.uuid, "credits": Schema.nullable(Schema.usd), "free_credits": Schema.nullable(Schema.usd), "checked_at": Schema.dateTime,
    ])
    static let priceRow = Schema.record([
        "model_id": Schema.string, "resolution": Schema.nullable(Schema.string), "generate_audio": Schema.nullable(Schema.boolean),
        "unit": Schema.oneOf(["per_second", "per_generation"]), "usd": Schema.usd,
    ])
    static let price = Schema.record(["price": priceRow, "source": Schema.oneOf(["team", "default"])])
    static let model = Schema.record([
        "model": Schema.record(["id": Schema.string, "provider": Schema.oneOf(["segmind", "aimlapi"]), "displayName": Schema.string,
                                "durations": Schema.array(Schema.integer), "resolutions": Schema.array(Schema.string),
                                "aspectRatios": Schema.array(Schema.string), "supportsAudio": Schema.boolean, "supportsSeed": Schema.boolean]),
        "estimate_min_usd": Schema.nullable(Schema.usd), "estimate_max_usd": Schema.nullable(Schema.usd),
    ])
    static let creditSnapshot = Schema.record([
        "account_id": Schema.nullable(Schema.uuid), "provider": Schema.string, "remaining": Schema.nullable(Schema.usd),
        "cost": Schema.nullable(Schema.usd), "source": Schema.string, "generation_id": Schema.nullable(Schema.uuid), "observed_at": Schema.dateTime,
    ])

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/provider-accounts", "List provider accounts (owners; keys shown as last 4 characters)", tag: "providers",
                     returns: Schema.page(of: record), responses: [200: "OK", 403: "Owners only"]),
        APIOperation("POST", "/api/v1/provider-accounts", "Add a provider account; the key is encrypted at rest and never returned. `mode: sync` (Segmind only) uses its v1 API. A base_url must pass the outbound policy (https, public addresses)", tag: "providers",
                     body: account, returns: record, responses: [201: "Created", 403: "Owners only", 422: "Invalid fields, or a base_url the outbound policy refuses"]),
        APIOperation("GET", "/api/v1/provider-accounts/{id}", "One provider account", tag: "providers", returns: record,
                     responses: [200: "OK", 403: "Owners only", 404: "Not found"]),
        APIOperation("PATCH", "/api/v1/provider-accounts/{id}", "Change name, key, base URL (null returns to the default; a change needs api_key in the same request), concurrency limit or mode", tag: "providers",
                     body: Schema.object(["name": Schema.text(200), "api_key": apiKey, "base_url": Schema.nullable(baseURL), "concurrency_limit": concurrency, "mode": mode]),
                     returns: record, responses: [200: "Updated", 403: "Owners only", 404: "Not found", 422: "Invalid fields (base_url without api_key, a refused base_url)"]),
        APIOperation("DELETE", "/api/v1/provider-accounts/{id}", "Remove a provider account (kept for history)", tag: "providers",
                     responses: [204: "Removed", 403: "Owners only", 404: "Not found"]),
        APIOperation("POST", "/api/v1/provider-accounts/{id}/check", "Ask the provider for the balance and record it", tag: "providers", returns: checkResult,
                     responses: [200: "Balance", 403: "Owners only", 404: "Not found", 422: "The base_url is refused now", 502: "The provider refused or failed (kind and status only)"]),
        APIOperation("GET", "/api/v1/models", "The model catalog with allowed parameters and estimate ranges", tag: "models",
                     returns: Schema.record(["data": Schema.array(model)])),
        APIOperation("GET", "/api/v1/prices", "The team's price table (own rows and instance defaults)", tag: "models",
                     returns: Schema.record(["data": Schema.array(price)])),
        APIOperation("PUT", "/api/v1/prices", "Replace the team's own price rows (owners, audited); [] returns to the defaults", tag: "models",
                     body: Schema.object(["rows": Schema.array(Schema.object(["model_id": Schema.string, "resolution": Schema.string, "generate_audio": Schema.boolean,
                                                                              "unit": Schema.oneOf(["per_second", "per_generation"]), "usd": Schema.money],
                                                                             required: ["model_id", "unit", "usd"]), max: 200)], required: ["rows"]),
                     returns: Schema.record(["data": Schema.array(price)]), responses: [200: "Replaced", 403: "Owners only", 422: "Invalid rows"]),
        APIOperation("GET", "/api/v1/credits", "Balance history of the team's provider accounts, newest first", tag: "credits",
                     query: [.uuid("account_id")] + QueryParameter.page, returns: Schema.page(of: creditSnapshot)),
    ]
}
