import ReelbaseCore

/// Documentation of the generation routes.
enum GenerationOperations {
    static let catalog = ModelCatalog.standard().models
    /// A catalog id (`segmind/veo-3.1-fast`) or a model's short name (`veo-3.1-fast`).
    static let model = Schema.oneOf(Array(Set(catalog.map(\.id) + catalog.map(\.displayName))).sorted())
    static let duration: JSONValue = ["type": "integer", "enum": .array(Set(catalog.flatMap(\.durations)).sorted().map { .number(Double($0)) })]
    static let aspectRatio = Schema.oneOf(Set(catalog.flatMap(\.aspectRatios)).sorted())
    static let input = Schema.object([
        "provider": Schema.oneOf(["segmind", "aimlapi", "auto"]), "model": model, "prompt": Schema.string(max: 20_000),
        "prompt_id": Schema.uuid, "version": Schema.integer(1...1_000_000), "label": Schema.string(max: 63), "variables": Schema.map(Schema.string),
        "duration": duration, "resolution": Schema.oneOf(["720p", "1080p"]), "aspect_ratio": aspectRatio,
        "generate_audio": Schema.boolean, "negative_prompt": Schema.string(max: 20_000), "fps": Schema.integer(1...120),
        "person_generation": Schema.oneOf(["dont_allow", "allow_adult"]), "seed": Schema.integer(0...4_294_967_295), "seed_id": Schema.uuid,
        "first_frame_asset_id": Schema.uuid, "last_frame_asset_id": Schema.uuid, "reference_asset_ids": Schema.array(Schema.uuid, max: 3),
        "campaign_id": Schema.uuid,
    ], required: ["model"])

    static let status = Schema.oneOf(GenerationState.allCases.map(\.rawValue))
    static let accepted = Schema.record([
        "id": Schema.uuid, "status": status, "estimated_cost_usd": Schema.usd, "model": Schema.string, "provider": Schema.string,
    ])
    static let generation = Schema.record([
        "id": Schema.uuid, "status": status, "provider": Schema.string, "model": Schema.string, "campaign_id": Schema.nullable(Schema.uuid),
        "prompt_text": Schema.string, "negative_prompt": Schema.nullable(Schema.string), "prompt_id": Schema.nullable(Schema.uuid),
        "prompt_version_id": Schema.nullable(Schema.uuid), "params": Schema.anyObject, "seed": Schema.nullable(Schema.integer),
        "seed_id": Schema.nullable(Schema.uuid), "provider_seed": Schema.nullable(Schema.integer),
        "provider_request_id": Schema.nullable(Schema.string), "attempt": Schema.integer, "estimated_cost_usd": Schema.usd,
        "cost_usd": Schema.nullable(Schema.usd), "cost_is_estimate": Schema.nullable(Schema.boolean), "credits_after": Schema.nullable(Schema.usd),
        "reported_cost_usd": Schema.nullable(Schema.usd), "cost_flag": Schema.nullable(Schema.oneOf(["out_of_range"])),
        "poster_url": Schema.nullable(Schema.string), "source": Schema.nullable(Schema.oneOf(["api", "gateway"])), "api_key_id": Schema.nullable(Schema.uuid),
        "routing": Schema.nullable(RoutingOperations.routing),
        "video": Schema.nullable(Schema.record(["url": Schema.string, "sha256": Schema.nullable(Schema.string),
                                                "size_bytes": Schema.nullable(Schema.integer), "content_type": Schema.nullable(Schema.string)])),
        "error": Schema.nullable(Schema.record(["kind": Schema.string, "message": Schema.nullable(Schema.string), "provider_status": Schema.nullable(Schema.integer)])),
        "created_by": Schema.nullable(Schema.uuid), "created_at": Schema.dateTime, "submitted_at": Schema.nullable(Schema.dateTime),
        "finished_at": Schema.nullable(Schema.dateTime),
        "assets": Schema.nullable(Schema.array(Schema.record(["asset_id": Schema.uuid, "role": Schema.string]))),
        "attempts": Schema.nullable(Schema.array(Schema.record([
            "attempt": Schema.integer, "phase": Schema.string, "outcome": Schema.string, "http_status": Schema.nullable(Schema.integer),
            "message": Schema.nullable(Schema.string), "at": Schema.dateTime,
        ]))),
        "transitions": Schema.nullable(Schema.array(Schema.record(["from": Schema.nullable(Schema.string), "to": Schema.string, "at": Schema.dateTime]))),
    ])
    static let batchResult = Schema.record([
        "dry_run": Schema.boolean, "count": Schema.integer, "total_estimate_usd": Schema.usd,
        "items": Schema.nullable(Schema.array(Schema.record([
            "model": Schema.string, "prompt_version": Schema.nullable(Schema.integer), "seed": Schema.nullable(Schema.integer),
            "params": Schema.anyObject, "estimated_cost_usd": Schema.usd,
        ]))),
        "generations": Schema.nullable(Schema.array(accepted)),
    ])
    static let variant = Schema.object([
        "duration": duration, "resolution": Schema.oneOf(["720p", "1080p"]), "aspect_ratio": aspectRatio,
        "generate_audio": Schema.boolean, "fps": Schema.integer(1...120), "negative_prompt": Schema.string(max: 20_000),
    ])

    static let all: [APIOperation] = [
        APIOperation("POST", "/api/v1/generations", "Ask for a video: validated, estimated and reserved against the budgets; honours Idempotency-Key", tag: "generations",
                     body: input, returns: accepted,
                     responses: [202: "Queued (or the first answer again for a replayed Idempotency-Key)", 402: "Over the team, campaign or API key budget",
                                 403: "Viewers cannot spend, or a model outside the API key's list", 422: "Invalid (every problem listed)", 429: "Over the API key's rate limit"]),
        APIOperation("GET", "/api/v1/generations", "List generations, newest first", tag: "generations",
                     query: [.uuid("campaign_id"), .oneOf("status", GenerationState.allCases.map(\.rawValue)), "model", .uuid("prompt_id"), .uuid("asset_id"),
                             .integer("seed", 0...4_294_967_295), .uuid("seed_id"), .dateTime("since"), .dateTime("until"),
                             .oneOf("verdict", Verdict.allCases.map(\.rawValue)), .integer("min_rating", 1...5),
                             .oneOf("source", ["api", "gateway"])] + QueryParameter.page,
                     returns: Schema.page(of: generation)),
        APIOperation("POST", "/api/v1/generations/batch", "Prompt versions × seeds × parameter variants, all or nothing (?dry_run=true to only count and estimate)", tag: "generations",
                     body: Schema.object(["base": input, "prompt_versions": Schema.array(Schema.integer(1...1_000_000), max: 500),
                                          "seeds": Schema.array(Schema.integer(0...4_294_967_295), max: 500), "variants": Schema.array(variant, max: 500)],
                                         required: ["base"]),
                     query: [.boolean("dry_run")], returns: batchResult,
                     responses: [200: "Dry run", 202: "Queued", 402: "Over budget", 403: "Viewers cannot spend", 422: "Invalid"]),
        APIOperation("GET", "/api/v1/generations/{id}", "One generation with its assets, attempts and state timestamps", tag: "generations",
                     returns: generation, responses: [200: "OK", 404: "Not found"]),
        APIOperation("GET", "/api/v1/generations/{id}/video", "The archived video (Range requests supported)", tag: "generations", produces: ["video/mp4"],
                     responses: [200: "The video", 206: "Part of the video", 404: "No video (yet)", 416: "Range outside the video"]),
        APIOperation("POST", "/api/v1/generations/{id}/cancel", "queued → cancelled; submitted → cancel_requested (still billed)", tag: "generations",
                     returns: generation, responses: [200: "Cancelled or cancel requested", 403: "Viewers cannot cancel", 404: "Not found", 409: "Already finished"]),
        APIOperation("POST", "/api/v1/generations/{id}/retry", "Resubmit a submit_unknown generation (may charge twice: needs confirm_double_charge)", tag: "generations",
                     body: Schema.object(["confirm_double_charge": Schema.boolean], required: ["confirm_double_charge"]), returns: generation,
                     responses: [200: "Queued again", 403: "Viewers cannot retry", 404: "Not found", 409: "Needs confirmation, or not submit_unknown"]),
        APIOperation("POST", "/api/v1/generations/{id}/resolve",
                     "Settle a submit_unknown generation from the provider's bill (editors and owners, audited): billed books the estimate (error.kind resolved_billed), not billed releases the reservation (resolved_not_billed); both end in failed",
                     tag: "generations",
                     body: Schema.object(["billed": Schema.boolean, "note": Schema.text(2000)], required: ["billed", "note"]), returns: generation,
                     responses: [200: "Resolved: the generation, now failed", 403: "Viewers cannot resolve", 404: "Not found",
                                 409: "Not submit_unknown (already final, or still running)", 422: "Note missing or too long"]),
        APIOperation("POST", "/api/v1/generations/{id}/rerun", "A new generation with the same prompt, inputs and seed", tag: "generations", returns: accepted,
                     responses: [202: "Queued", 402: "Over budget", 403: "Viewers cannot spend", 404: "Not found", 422: "The original's model or images are no longer usable"]),
    ]
}
