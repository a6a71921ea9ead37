/// Documentation of the storyboard routes (cuts are documented with the cut routes).
enum StoryboardOperations {
    static let status = Schema.oneOf(Storyboard.Status.allCases.map(\.rawValue))
    static let prompt = Schema.object([
        "text": Schema.string(max: 20_000), "prompt_id": Schema.uuid, "version": Schema.integer(1...1_000_000), "label": Schema.string(max: 63),
        "prompt_version_id": Schema.uuid, "variables": Schema.map(Schema.string),
    ])
    static let parameters = Schema.object([
        "duration": GenerationOperations.duration, "resolution": Schema.oneOf(["720p", "1080p"]), "aspect_ratio": GenerationOperations.aspectRatio,
        "generate_audio": Schema.boolean, "negative_prompt": Schema.string(max: 20_000), "fps": Schema.integer(1...120),
        "person_generation": Schema.oneOf(["dont_allow", "allow_adult"]), "seed": Schema.integer(0...4_294_967_295), "seed_id": Schema.uuid,
    ])
    static let take = Schema.record(["generation_id": Schema.uuid, "take_index": Schema.integer, "state": GenerationOperations.status])
    static let shot = Schema.record([
        "id": Schema.uuid, "position": Schema.integer, "prompt": Schema.anyObject, "model": Schema.string, "provider": Schema.nullable(Schema.string),
        "parameters": Schema.anyObject, "first_frame_asset_id": Schema.nullable(Schema.uuid), "last_frame_asset_id": Schema.nullable(Schema.uuid),
        "reference_asset_ids": Schema.array(Schema.uuid), "takes": Schema.integer, "continuity": Schema.boolean,
        "chosen_generation_id": Schema.nullable(Schema.uuid), "continuity_asset_id": Schema.nullable(Schema.uuid),
        "takes_made": Schema.array(take), "created_at": Schema.dateTime, "updated_at": Schema.dateTime,
    ])
    static let storyboard = Schema.record([
        "id": Schema.uuid, "campaign_id": Schema.uuid, "name": Schema.string, "description": Schema.string, "status": status,
        "error": Schema.nullable(Schema.record(["shot_id": Schema.nullable(Schema.uuid), "message": Schema.string])),
        "waiting_for_choice": Schema.nullable(Schema.record(["shot_id": Schema.uuid, "reason": Schema.string])),
        "reserved_usd": Schema.usd, "created_at": Schema.dateTime, "updated_at": Schema.dateTime, "shots": Schema.nullable(Schema.array(shot)),
    ])
    static let shotFields: [String: JSONValue] = [
        "prompt": prompt, "model": GenerationOperations.model, "provider": Schema.nullable(Schema.oneOf(["segmind", "aimlapi"])), "parameters": parameters,
        "first_frame_asset_id": Schema.nullable(Schema.uuid), "last_frame_asset_id": Schema.nullable(Schema.uuid),
        "reference_asset_ids": Schema.array(Schema.uuid, max: 3), "takes": Schema.integer(1...4), "continuity": Schema.boolean,
    ]
    static let run = Schema.record([
        "dry_run": Schema.boolean, "shots": Schema.integer, "takes": Schema.integer, "estimate_usd": Schema.usd, "storyboard": Schema.nullable(storyboard),
    ])
    static let editorOnly = "Viewers cannot change storyboards"

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/campaigns/{id}/storyboards", "The campaign's storyboards, newest first", tag: "storyboards",
                     query: QueryParameter.page, returns: Schema.page(of: storyboard), responses: [200: "A page of storyboards", 400: "Bad cursor or limit"]),
        APIOperation("POST", "/api/v1/campaigns/{id}/storyboards", "Create a storyboard in the campaign", tag: "storyboards",
                     body: Schema.object(["name": Schema.text(200), "description": Schema.string(max: 5000)], required: ["name"]), returns: storyboard,
                     responses: [201: "Created", 403: editorOnly, 422: "Invalid name or description"]),
        APIOperation("GET", "/api/v1/storyboards/{id}", "A storyboard with its shots in order, each with its current takes and chosen take", tag: "storyboards",
                     returns: storyboard, responses: [200: "The storyboard"]),
        APIOperation("PATCH", "/api/v1/storyboards/{id}", "Rename or describe a storyboard", tag: "storyboards",
                     body: Schema.object(["name": Schema.text(200), "description": Schema.string(max: 5000)]), returns: storyboard,
                     responses: [200: "Changed", 403: editorOnly]),
        APIOperation("DELETE", "/api/v1/storyboards/{id}", "Delete a storyboard and its shots (its generations stay); what it held returns to the budgets",
                     tag: "storyboards", responses: [204: "Deleted", 403: editorOnly]),
        APIOperation("POST", "/api/v1/storyboards/{id}/shots", "Add a shot (at `position`, else at the end); validated as POST /generations would be",
                     tag: "storyboards", body: Schema.object(shotFields.merging(["position": Schema.integer(0...1000)]) { $1 }, required: ["prompt", "model"]),
                     returns: shot, responses: [201: "Added", 403: editorOnly, 409: "The storyboard is running", 422: "Invalid shot"]),
        APIOperation("PATCH", "/api/v1/storyboards/{id}/shots/{shot_id}", "Change a shot (null clears an image)", tag: "storyboards",
                     body: Schema.object(shotFields), returns: shot, responses: [200: "Changed", 403: editorOnly, 409: "The storyboard is running", 422: "Invalid shot"]),
        APIOperation("DELETE", "/api/v1/storyboards/{id}/shots/{shot_id}", "Remove a shot", tag: "storyboards",
                     responses: [204: "Removed", 403: editorOnly, 409: "Running, or the next shot would come first with continuity"]),
        APIOperation("POST", "/api/v1/storyboards/{id}/shots/{shot_id}/duplicate", "A copy of the shot (not its takes) right after it", tag: "storyboards",
                     returns: shot, responses: [201: "Copied", 403: editorOnly, 409: "The storyboard is running", 422: "Too many shots"]),
        APIOperation("PUT", "/api/v1/storyboards/{id}/shot-order", "Reorder: `shot_ids` lists every shot exactly once", tag: "storyboards",
                     body: Schema.object(["shot_ids": Schema.array(Schema.uuid, max: 100)], required: ["shot_ids"]), returns: storyboard,
                     responses: [200: "Reordered", 403: editorOnly, 409: "Running, or a shot with continuity would come first", 422: "Not exactly the storyboard's shots"]),
        APIOperation("PUT", "/api/v1/storyboards/{id}/shots/{shot_id}/chosen-take", "Choose the take the next shot continues from (a succeeded current take)",
                     tag: "storyboards", body: Schema.object(["generation_id": Schema.uuid], required: ["generation_id"]), returns: shot,
                     responses: [200: "Chosen", 403: editorOnly, 409: "The take has not succeeded", 422: "Not one of the shot's takes"]),
        APIOperation("POST", "/api/v1/storyboards/{id}/generate",
                     "Reserve the whole storyboard against the team and campaign budgets (all or nothing) and run its shots in order; `dry_run=true` only counts and prices (any member)",
                     tag: "storyboards", query: [.boolean("dry_run")], returns: run,
                     responses: [200: "Dry run: the count and estimate", 202: "Running", 402: "Over budget: nothing queued", 403: editorOnly,
                                 409: "Already running, or paused (use resume)", 422: "No shots, or a shot is not valid"]),
        APIOperation("POST", "/api/v1/storyboards/{id}/resume", "Continue a paused storyboard: the failed shot is made again, then the rest", tag: "storyboards",
                     returns: run, responses: [202: "Running again", 402: "Over budget", 403: editorOnly, 409: "Not paused", 422: "A shot is no longer valid"]),
    ]
}
