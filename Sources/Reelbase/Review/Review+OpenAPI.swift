/// Documentation of the review routes.
enum ReviewOperations {
    static let verdict = Schema.oneOf(Verdict.allCases.map(\.rawValue))
    static let author = Schema.record(["name": Schema.string, "client": Schema.boolean])
    static let comment = Schema.record([
        "id": Schema.uuid, "generation_id": Schema.uuid, "at_seconds": Schema.number, "body": Schema.string,
        "author": author, "created_at": Schema.dateTime,
    ])
    static let review = Schema.record([
        "generation_id": Schema.uuid, "duration_seconds": Schema.number,
        "rating": Schema.nullable(Schema.integer(1...5)), "rated_by": Schema.nullable(author), "rated_at": Schema.nullable(Schema.dateTime),
        "verdict": Schema.nullable(verdict), "verdict_by": Schema.nullable(author), "verdict_at": Schema.nullable(Schema.dateTime),
        "comments": Schema.array(comment),
    ])
    static let commentBody: [String: JSONValue] = ["body": Schema.text(CommentInput.maxBody), "at_seconds": Schema.number(min: 0, max: 86_400)]

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/generations/{id}/review", "The take's rating, verdict (and who gave them) and its comments by timecode",
                     tag: "review", returns: review),
        APIOperation("PUT", "/api/v1/generations/{id}/review", "Rate (1–5) and/or give a verdict on a finished take; null clears; audited, `take.verdict` on the event stream",
                     tag: "review", body: Schema.object(["rating": Schema.nullable(Schema.integer(1...5)), "verdict": Schema.nullable(verdict)]),
                     returns: review, responses: [200: "The review", 403: "Viewers cannot review", 409: "The take has no video (not succeeded)"]),
        APIOperation("POST", "/api/v1/generations/{id}/comments", "Comment at a timecode (seconds, within the video) under your name; audited, `take.comment` on the event stream",
                     tag: "review", body: Schema.object(commentBody, required: ["body", "at_seconds"]), returns: comment,
                     responses: [201: "The comment", 403: "Viewers cannot comment", 409: "The take has no video (not succeeded)"]),
    ]
}
