import Foundation
import Logging
import PostgresNIO

/// `cut.ready` and `cut.failed` on the team's event stream (`GET /events`), written in the
/// transaction that ends the render, in the same log (and shape) as the storyboard events.
struct CutEvents: Sendable {
    let logger: Logger

    enum Kind: String { case ready = "cut.ready", failed = "cut.failed" }

    func record(_ kind: Kind, team: UUID, storyboard: UUID, number: Int, on conn: PostgresConnection) async throws {
        try await conn.query("""
            INSERT INTO generation_events (team_id, campaign_id, kind, data)
            SELECT team_id, campaign_id, \(kind.rawValue),
                   jsonb_build_object('storyboard_id', id, 'campaign_id', campaign_id, 'number', \(number)::integer,
                                      'state', \((kind == .ready ? Cut.State.ready : Cut.State.failed).rawValue)::text)
            FROM storyboards WHERE team_id = \(team) AND id = \(storyboard)
            """, logger: logger)
        try await conn.query("SELECT pg_notify(\(GenerationEventHub.channel), \(team.uuidString.lowercased()))", logger: logger)
    }
}
