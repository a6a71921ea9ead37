/// Documentation of `/storyboards/{id}/cuts…`.
enum CutOperations {
    static let cut = Schema.record([
        "number": Schema.integer, "storyboard_id": Schema.uuid, "state": Schema.oneOf(["rendering", "ready", "failed"]),
        "generation_ids": Schema.array(Schema.uuid), "duration_seconds": Schema.nullable(Schema.number),
        "width": Schema.nullable(Schema.integer), "height": Schema.nullable(Schema.integer), "has_audio": Schema.nullable(Schema.boolean),
        "error": Schema.nullable(Schema.string), "created_at": Schema.dateTime,
        "video_url": Schema.nullable(Schema.string), "poster_url": Schema.nullable(Schema.string),
    ])

    static let all: [APIOperation] = [
        APIOperation("POST", "/api/v1/storyboards/{id}/cuts", "Join the chosen takes, in shot order, into the next numbered cut (rendered in the background; `cut.ready` on the event stream)", tag: "storyboards",
                     returns: cut, responses: [202: "The cut, rendering", 403: "Viewers cannot make cuts", 404: "No such storyboard in this team",
                                                409: "A shot has no chosen, succeeded take (named in details.shots), the storyboard has no shots, or ffmpeg is missing"]),
        APIOperation("GET", "/api/v1/storyboards/{id}/cuts", "The storyboard's cuts, oldest first", tag: "storyboards",
                     returns: Schema.page(of: cut), responses: [200: "Every cut", 404: "No such storyboard in this team"]),
        APIOperation("GET", "/api/v1/storyboards/{id}/cuts/{number}", "One cut", tag: "storyboards",
                     returns: cut, responses: [200: "The cut", 404: "No such storyboard or cut"]),
        APIOperation("GET", "/api/v1/storyboards/{id}/cuts/{number}/video", "The cut's video (H.264 + AAC MP4), with Range support", tag: "storyboards",
                     produces: ["video/mp4"], responses: [200: "The video", 206: "Part of the video", 304: "Not modified", 404: "No such cut, or not ready", 416: "Range outside the video"]),
        APIOperation("GET", "/api/v1/storyboards/{id}/cuts/{number}/poster", "The cut's poster frame (JPEG)", tag: "storyboards",
                     produces: ["image/jpeg"], responses: [200: "The poster", 404: "No such cut, or no poster (yet, or no ffmpeg)"]),
    ]
}
