/// Documentation of the generation routes.
enum GenerationOperations {
    static let input = Schema.object([
        "provider": Schema.oneOf(["segmind", "aimlapi"]), "model": Schema.string, "prompt": Schema.string,
        "prompt_id": Schema.uuid, "version": Schema.integer, "label": Schema.string, "variables": Schema.anyObject,
        "duration": Schema.integer, "resolution": Schema.oneOf(["720p", "1080p"]), "aspect_ratio": Schema.string,
        "generate_audio": Schema.boolean, "negative_prompt": Schema.string, "fps": Schema.integer,
        "person_generation": Schema.oneOf(["dont_allow", "allow_adult"]), "seed": Schema.integer, "seed_id": Schema.uuid,
        "first_frame_asset_id": Schema.uuid, "last_frame_asset_id": Schema.uuid, "reference_asset_ids": Schema.array(Schema.uuid),
        "campaign_id": Schema.uuid,
    ], required: ["model"])

    static let all: [APIOperation] = [
        APIOperation("POST", "/api/v1/generations", "Ask for a video: validated, estimated and reserved against the budgets; honours Idempotency-Key", tag: "generations",
                     body: input, responses: [202: "Queued", 402: "Over the team or campaign budget", 403: "Viewers cannot spend", 422: "Invalid (every problem listed)"]),
        APIOperation("GET", "/api/v1/generations", "List generations, newest first", tag: "generations",
                     query: ["campaign_id", "status", "model", "prompt_id", "asset_id", "seed", "seed_id", "since", "until", "cursor", "limit"]),
        APIOperation("POST", "/api/v1/generations/batch", "Prompt versions × seeds × parameter variants, all or nothing (?dry_run=true to only count and estimate)", tag: "generations",
                     body: Schema.object(["base": input, "prompt_versions": Schema.array(Schema.integer), "seeds": Schema.array(Schema.integer),
                                          "variants": Schema.array(Schema.anyObject)], required: ["base"]),
                     query: ["dry_run"], responses: [200: "Dry run", 202: "Queued", 402: "Over budget", 422: "Invalid"]),
        APIOperation("GET", "/api/v1/generations/{id}", "One generation with its assets, attempts and state timestamps", tag: "generations", responses: [200: "OK", 404: "Not found"]),
        APIOperation("GET", "/api/v1/generations/{id}/video", "The archived video (Range requests supported)", tag: "generations",
                     responses: [200: "The video", 206: "Part of the video", 404: "No video (yet)", 416: "Range outside the video"]),
        APIOperation("POST", "/api/v1/generations/{id}/cancel", "queued → cancelled; submitted → cancel_requested (still billed)", tag: "generations",
                     responses: [200: "Cancelled or cancel requested", 404: "Not found", 409: "Already finished"]),
        APIOperation("POST", "/api/v1/generations/{id}/retry", "Resubmit a submit_unknown generation (may charge twice: needs confirm_double_charge)", tag: "generations",
                     body: Schema.object(["confirm_double_charge": Schema.boolean], required: ["confirm_double_charge"]),
                     responses: [200: "Queued again", 404: "Not found", 409: "Needs confirmation, or not submit_unknown"]),
        APIOperation("POST", "/api/v1/generations/{id}/resolve",
                     "Settle a submit_unknown generation from the provider's bill (editors and owners, audited): billed books the estimate (error.kind resolved_billed), not billed releases the reservation (resolved_not_billed); both end in failed",
                     tag: "generations",
                     body: Schema.object(["billed": Schema.boolean, "note": Schema.string], required: ["billed", "note"]),
                     responses: [200: "Resolved: the generation, now failed", 400: "Malformed body", 403: "Viewers cannot resolve", 404: "Not found",
                                 409: "Not submit_unknown (already final, or still running)", 422: "Note missing or too long"]),
        APIOperation("POST", "/api/v1/generations/{id}/rerun", "A new generation with the same prompt, inputs and seed", tag: "generations",
                     responses: [202: "Queued", 402: "Over budget", 404: "Not found"]),
    ]
}
