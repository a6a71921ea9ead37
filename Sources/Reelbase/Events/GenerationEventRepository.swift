import Foundation
import Logging
import PostgresNIO

/// One change to a generation, as `GET /events` streams it.
struct GenerationEvent: Codable, Sendable {
    let id: Int64
    let generation_id: UUID
    let campaign_id: UUID?
    let status: String
    let has_poster: Bool
    let at: Date
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

    /// The log after `id`: generation changes, and the other kinds (`storyboard.progress`, …)
    /// with the data their writer stored.
    func after(_ id: Int64, team: UUID, limit: Int = 500) async throws -> [LoggedEvent] {
        let rows = try await db.query("""
            SELECT id, kind, generation_id, campaign_id, status, has_poster, at, data::text FROM generation_events
            WHERE team_id = \(team) AND id > \(id) ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var events: [LoggedEvent] = []
        for try await (id, kind, generation, campaign, status, poster, at, data)
            in rows.decode((Int64, String, UUID?, UUID?, String?, Bool?, Date, String?).self) {
            if kind == "generation", let generation {
                events.append(.generation(GenerationEvent(id: id, generation_id: generation, campaign_id: campaign, status: status ?? "",
                                                          has_poster: poster ?? false, at: at)))
            } else {
                var fields: [String: JSONValue] = if case .object(let stored) = JSONValue.parse(data ?? "{}") { stored } else { [:] }
                fields["id"] = .number(Double(id))
                fields["at"] = .string(at.iso8601WithFraction)
                events.append(.other(id: id, kind: kind, data: .object(fields)))
            }
        }
        return events
    }
}

/// One row of the event log, as the stream sends it (`event: generation` or `event: <kind>`).
enum LoggedEvent: Sendable {
    case generation(GenerationEvent)
    case other(id: Int64, kind: String, data: JSONValue)

    var id: Int64 {
        switch self {
        case .generation(let event): event.id
        case .other(let id, _, _): id
        }
    }

    var name: String {
        switch self {
        case .generation: "generation"
        case .other(_, let kind, _): kind
        }
    }

    func data() throws -> String {
        switch self {
        case .generation(let event): String(decoding: try JSONEncoder.api.encode(event), as: UTF8.self)
        case .other(_, _, let data): String(decoding: try JSONEncoder.api.encode(data), as: UTF8.self)
        }
    }
}
