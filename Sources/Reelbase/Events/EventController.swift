import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /events`: the team's generation changes as server-sent events. Each event's `id` is its
/// row in `generation_events`, so a browser reconnecting with `Last-Event-ID` (or a client
/// passing `?last_event_id=`) gets exactly what it missed. Without either it starts from now.
/// The log keeps `PruneExpiredRows.eventRetention`: resuming from an id it no longer holds first
/// sends `event: gap` (the client should reload what it shows), then every event still kept.
struct EventController {
    let events: GenerationEventRepository
    let hub: GenerationEventHub
    /// A stream ends after this long; EventSource reconnects with Last-Event-ID, so nothing is
    /// lost, and no connection outlives a deploy by much.
    var maxLifetime: Duration = .seconds(600)

    func addRoutes(to gates: Gates) {
        gates.viewer.get("events", use: stream)
    }

    @Sendable func stream(_ request: Request, context: ViewerContext) async throws -> Response {
        let team = context.identity.teamID
        let resumeFrom = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.query("last_event_id")
        let start: Int64
        let gap: Bool
        if let resumeFrom {
            guard let value = Int64(resumeFrom), value >= 0 else {
                throw AppError.badRequest("Last-Event-ID must be a whole number from an earlier event's id.")
            }
            start = value
            gap = try await start > 0 ? !events.holds(start, team: team) : false
        } else {
            start = try await events.latestID(team: team)
            gap = false
        }
        let (events, hub, lifetime) = (self.events, self.hub, maxLifetime)
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache",
            HTTPField.Name("X-Accel-Buffering")!: "no",  // nginx: do not buffer the stream
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let (token, signals) = hub.subscribe(team: team)
            defer { hub.unsubscribe(token) }
            let deadline = ContinuousClock.now + lifetime
            var last = start
            try await writer.write(ByteBuffer(string: "retry: 3000\n: stream open\n\n"))
            if gap {
                let data = String(decoding: try JSONEncoder.api.encode(EventGap(after: start)), as: UTF8.self)
                try await writer.write(ByteBuffer(string: "event: gap\ndata: \(data)\n\n"))
            }
            for await signal in signals {
                let batch = try await events.after(last, team: team)
                for event in batch {
                    try await writer.write(ByteBuffer(string: "id: \(event.id)\nevent: \(event.name)\ndata: \(try event.data())\n\n"))
                    last = event.id
                }
                if batch.isEmpty && signal == .heartbeat { try await writer.write(ByteBuffer(string: ": heartbeat\n\n")) }
                if ContinuousClock.now > deadline { break }
            }
            try await writer.finish(nil)
        })
    }
}

/// Sent before anything else when the stream cannot tell what happened after `last_event_id`:
/// the log no longer holds that event (older than the retention), or it never was this team's.
struct EventGap: Encodable {
    let last_event_id: Int64
    let retention_days: Int
    let message: String

    init(after id: Int64) {
        last_event_id = id
        retention_days = Int(PruneExpiredRows.eventRetention / 86400)
        message = "Events after this id may be gone (the log keeps \(retention_days) days): reload what you show. Every event still kept follows."
    }
}
