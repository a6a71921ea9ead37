import Foundation
import Logging
import PostgresNIO

/// One change to a generation, as `GET /events` streams it. `kind` is the SSE event name:
/// `generation` (a state or poster change), `take.verdict` or `take.comment` (with `detail`).
struct GenerationEvent: Codable, Sendable {
    let id: Int64
    let kind: String
    let generation_id: UUID
    let campaign_id: UUID?
    let status: String
    let has_poster: Bool
    let at: Date
    let detail: JSONValue?
}

/// Reads the `generation_events` log the database trigger writes, always scoped by team.
struct GenerationEventRepository: Sendable {
    let db: PostgresClient
    let logger: Logger

    /// The team's newest event id (0 when none): a stream without Last-Event-ID starts here.
    func latestID(team: UUID) async throws -> Int64 {
        let rows = try await db.query("SELECT coalesce(max(id), 0)::int8 FROM generation_events WHERE team_id = \(team)", logger: logger)
        return try await rows.decode(Int64.self).firstElement() ?? 0
    }

    /// Whether the team's log still holds event `id` (a stream resuming from it missed nothing).
    func holds(_ id: Int64, team: UUID) async throws -> Bool {
        let rows = try await db.query("SELECT 1 FROM generation_events WHERE team_id = \(team) AND id = \(id)", logger: logger)
        return try await rows.decode(Int.self).firstElement() != nil
    }

    func after(_ id: Int64, team: UUID, limit: Int = 500) async throws -> [GenerationEvent] {
        let rows = try await db.query("""
            SELECT id, kind, generation_id, campaign_id, status, has_poster, at, detail::text FROM generation_events
            WHERE team_id = \(team) AND id > \(id) ORDER BY id LIMIT \(limit)
            """, logger: logger)
        return try await rows.decode((Int64, String, UUID, UUID?, String, Bool, Date, String?).self).reduce(into: []) {
            $0.append(GenerationEvent(id: $1.0, kind: $1.1, generation_id: $1.2, campaign_id: $1.3, status: $1.4, has_poster: $1.5, at: $1.6,
                                      detail: $1.7.map(JSONValue.parse)))
        }
    }
}
