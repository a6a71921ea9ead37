/// Documentation of the event stream.
enum EventOperations {
    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/events",
                     "The team's generation changes as server-sent events (text/event-stream): `event: generation`, `id:` to resume with Last-Event-ID, data {id, generation_id, campaign_id, status, has_poster, at}; storyboards send `event: storyboard.progress` / `storyboard.paused` / `storyboard.finished` with {id, at, storyboard_id, campaign_id, status, shot_id?, step?, message?, generation_ids?}; reviews send `event: take.verdict` {id, at, generation_id, campaign_id, status, verdict, by {name, client}} and `event: take.comment` {id, at, generation_id, campaign_id, status, comment_id, at_seconds, author {name, client}}; a `: heartbeat` comment every 15 s. The log keeps 7 days: resuming from an id it no longer holds first sends `event: gap` (data {last_event_id, retention_days, message}; reload what you show), then every event still kept",
                     tag: "generations", query: [.integer("last_event_id", 0...Int64.max)],
                     produces: ["text/event-stream"], responses: [200: "An open text/event-stream", 400: "Last-Event-ID is not a number"]),
    ]
}
