import Foundation
import Logging
import PostgresNIO

/// `cut.ready` and `cut.failed` on the team's event stream (`GET /events`), written in the
/// transaction that ends the render, in the same log (and shape) as the storyboard events;
/// the same transaction puts the webhook of the same name in the outbox.
struct CutEvents: Sendable {
    let outbox: WebhookOutbox
    let logger: Logger

    enum Kind: String {
        case ready = "cut.ready", failed = "cut.failed"

        var webhook: WebhookEventType { self == .ready ? .cutReady : .cutFailed }
    }

    func record(_ kind: Kind, team: UUID, storyboard: UUID, number: Int, on conn: PostgresConnection) async throws {
        let state = (kind == .ready ? Cut.State.ready : Cut.State.failed).rawValue
        try await conn.query("""
            INSERT INTO generation_events (team_id, campaign_id, kind, data)
            SELECT team_id, campaign_id, \(kind.rawValue),
                   jsonb_build_object('storyboard_id', id, 'campaign_id', campaign_id, 'number', \(number)::integer, 'state', \(state)::text)
            FROM storyboards WHERE team_id = \(team) AND id = \(storyboard)
            """, logger: logger)
        try await conn.query("SELECT pg_notify(\(GenerationEventHub.channel), \(team.uuidString.lowercased()))", logger: logger)

        let rows = try await conn.query("""
            SELECT s.campaign_id, c.generation_ids, c.duration_seconds, c.error FROM storyboard_cuts c
            JOIN storyboards s ON s.team_id = c.team_id AND s.id = c.storyboard_id
            WHERE c.team_id = \(team) AND c.storyboard_id = \(storyboard) AND c.number = \(number)
            """, logger: logger)
        guard let (campaign, takes, duration, error) = try await rows.decode((UUID, [UUID], Double?, String?).self).firstElement() else { return }
        let payload = CutEventData(storyboard_id: storyboard, campaign_id: campaign, number: number, state: state, generation_ids: takes,
                                   duration_seconds: duration, error: error,
                                   video_url: kind == .ready ? Cut.path(storyboard: storyboard, number: number) + "/video" : nil)
        try await outbox.emit(kind.webhook, payload, team: team, on: conn)
    }
}
