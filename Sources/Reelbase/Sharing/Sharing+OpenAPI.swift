/// Documentation of the share-link routes: the team's, and the public ones under `/s/{token}`.
enum SharingOperations {
    static let kind = Schema.oneOf(ShareKind.allCases.map(\.rawValue))
    static let link = Schema.record([
        "id": Schema.uuid, "kind": kind, "generation_ids": Schema.array(Schema.uuid), "campaign_id": Schema.nullable(Schema.uuid),
        "storyboard_id": Schema.nullable(Schema.uuid), "cut_number": Schema.nullable(Schema.integer),
        "title": Schema.nullable(Schema.string), "has_password": Schema.boolean, "expires_at": Schema.dateTime,
        "revoked_at": Schema.nullable(Schema.dateTime), "created_by": Schema.nullable(Schema.uuid), "created_at": Schema.dateTime,
        "views": Schema.integer, "last_viewed_at": Schema.nullable(Schema.dateTime), "status": Schema.oneOf(["active", "expired", "revoked"]),
    ])
    static let created = Schema.record(["link": link, "token": Schema.string, "path": Schema.string, "url": Schema.nullable(Schema.string)])
    static let input = Schema.object([
        "kind": kind, "generation_id": Schema.uuid, "generation_ids": Schema.array(Schema.uuid, max: 4), "campaign_id": Schema.uuid,
        "storyboard_id": Schema.uuid, "cut_number": Schema.integer(1...1_000_000),
        "title": Schema.string(max: ShareLinkInput.maxTitle), "expires_in_days": Schema.integer(1...Int64(ShareLinkInput.maxDays)),
        "password": Schema.string(min: ShareLinkInput.passwordLength.lowerBound, max: ShareLinkInput.passwordLength.upperBound),
    ], required: ["kind"])
    static let sharedTake = Schema.record([
        "id": Schema.uuid, "position": Schema.integer, "model": Schema.string, "aspect_ratio": Schema.nullable(Schema.string),
        "video_url": Schema.string, "poster_url": Schema.nullable(Schema.string), "review": ReviewOperations.review,
    ])
    static let sharedCut = Schema.record([
        "number": Schema.integer, "storyboard_name": Schema.string, "duration_seconds": Schema.nullable(Schema.number),
        "width": Schema.nullable(Schema.integer), "height": Schema.nullable(Schema.integer), "has_audio": Schema.nullable(Schema.boolean),
        "video_url": Schema.string, "poster_url": Schema.nullable(Schema.string),
        "takes": Schema.array(Schema.record([
            "position": Schema.integer, "model": Schema.string, "aspect_ratio": Schema.nullable(Schema.string),
            "duration_seconds": Schema.nullable(Schema.number),
        ])),
    ])
    static let shared = Schema.record([
        "kind": kind, "title": Schema.nullable(Schema.string), "campaign_name": Schema.nullable(Schema.string), "expires_at": Schema.dateTime,
        "locked": Schema.boolean, "takes": Schema.array(sharedTake), "cut": Schema.nullable(sharedCut),
    ])
    static let name = Schema.text(CommentInput.maxName)
    static let gone = "Unknown, tampered, expired or revoked token (all alike), a take the link does not cover, or the cut of a link that is not a cut link"

    static let all: [APIOperation] = [
        APIOperation("POST", "/api/v1/share-links", "Share one take, 2–4 takes to compare, a campaign's approved takes or a ready storyboard cut (`storyboard_id` + `cut_number`) with a client: a signed token shown once, expiring (default 7 days, at most 90), optionally with a password",
                     tag: "sharing", body: input, returns: created,
                     responses: [201: "The link with its token (never shown again)", 403: "Viewers cannot share", 404: "A take, campaign or cut not in this team",
                                 409: "A take without a video, a campaign with no approved take, or a cut that is not ready"]),
        APIOperation("GET", "/api/v1/share-links", "The team's share links, newest first (never their tokens)", tag: "sharing",
                     query: [.uuid("generation_id")] + QueryParameter.page, returns: Schema.page(of: link)),
        APIOperation("GET", "/api/v1/share-links/{id}", "One share link", tag: "sharing", returns: link),
        APIOperation("DELETE", "/api/v1/share-links/{id}", "Revoke a link at once (its page answers 404 from then on)", tag: "sharing",
                     returns: link, responses: [200: "The revoked link", 403: "Viewers cannot revoke"]),

        APIOperation("GET", "/s/{token}", "The client's review page (HTML); counted and audited as a view", tag: "sharing", produces: ["text/html"],
                     responses: [200: "The page", 404: gone, 429: "Too many requests on this link or from this address"], isPublic: true),
        APIOperation("GET", "/s/{token}/api/link", "What the link covers: its takes with their review, or a cut link's cut with its takes listed (empty and `locked` until the password is given)",
                     tag: "sharing", returns: shared, responses: [200: "The shared takes", 404: gone, 429: "Rate limited"], isPublic: true),
        APIOperation("POST", "/s/{token}/api/unlock", "Give the link's password: sets a cookie for this link (a day at most)", tag: "sharing",
                     body: Schema.object(["password": Schema.string(max: ShareLinkInput.passwordLength.upperBound)], required: ["password"]),
                     responses: [204: "Unlocked (or no password needed)", 403: "Wrong password", 404: gone, 429: "Too many tries"], isPublic: true),
        APIOperation("GET", "/s/{token}/api/takes/{id}/video", "A covered take's video, with Range support", tag: "sharing",
                     produces: ["video/mp4"], responses: [200: "The video", 206: "Part of it", 401: "Password required", 404: gone, 416: "Range outside the video", 429: "Rate limited"],
                     isPublic: true),
        APIOperation("GET", "/s/{token}/api/takes/{id}/poster", "A covered take's poster frame", tag: "sharing",
                     produces: ["image/jpeg"], responses: [200: "The poster", 401: "Password required", 404: gone, 429: "Rate limited"], isPublic: true),
        APIOperation("GET", "/s/{token}/api/cut/video", "A cut link's cut (H.264 + AAC MP4), with Range support; any other link answers 404", tag: "sharing",
                     produces: ["video/mp4"], responses: [200: "The video", 206: "Part of it", 401: "Password required", 404: gone, 416: "Range outside the video", 429: "Rate limited"],
                     isPublic: true),
        APIOperation("GET", "/s/{token}/api/cut/poster", "A cut link's poster frame", tag: "sharing",
                     produces: ["image/jpeg"], responses: [200: "The poster", 401: "Password required", 404: gone, 429: "Rate limited"], isPublic: true),
        APIOperation("POST", "/s/{token}/api/takes/{id}/verdict", "The client approves, rejects or asks for changes, under a typed name; audited, `take.verdict` on the team's stream",
                     tag: "sharing", body: Schema.object(["verdict": ReviewOperations.verdict, "name": name], required: ["verdict", "name"]),
                     returns: ReviewOperations.review,
                     responses: [200: "The take's review", 401: "Password required", 404: gone, 409: "The take has no video", 429: "Rate limited"], isPublic: true),
        APIOperation("POST", "/s/{token}/api/takes/{id}/comments", "The client comments at a timecode under a typed name; audited, `take.comment` on the team's stream",
                     tag: "sharing", body: Schema.object(ReviewOperations.commentBody.merging(["name": name]) { $1 }, required: ["body", "at_seconds", "name"]),
                     returns: ReviewOperations.comment,
                     responses: [201: "The comment", 401: "Password required", 404: gone, 409: "The take has no video", 429: "Rate limited"], isPublic: true),
    ]
}
