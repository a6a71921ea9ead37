import Foundation
import Logging
import PostgresNIO

/// `storyboard.progress`, `storyboard.paused` and `storyboard.finished` on the team's event
/// stream (`GET /events`): rows in the same log as generation changes, written in the caller's
/// transaction so an event exists exactly when its change does. `paused` and `finished` also
/// enter the webhook outbox in that transaction (progress is too chatty for webhooks).
struct StoryboardEvents: Sendable {
    let outbox: WebhookOutbox
    let logger: Logger

    enum Kind: String {
        case progress = "storyboard.progress", paused = "storyboard.paused", finished = "storyboard.finished"

        var webhook: WebhookEventType? {
            switch self {
            case .progress: nil
            case .paused: .storyboardPaused
            case .finished: .storyboardFinished
            }
        }
    }

    func record(_ kind: Kind, team: UUID, storyboard: UUID, campaign: UUID, shot: UUID? = nil, status: Storyboard.Status,
                details: [String: JSONValue] = [:], on conn: PostgresConnection) async throws {
        var data = details
        data["storyboard_id"] = .string(storyboard.uuidString.lowercased())
        data["campaign_id"] = .string(campaign.uuidString.lowercased())
        data["status"] = .string(status.rawValue)
        if let shot { data["shot_id"] = .string(shot.uuidString.lowercased()) }
        let json = String(decoding: try JSONEncoder.api.encode(JSONValue.object(data)), as: UTF8.self)
        try await conn.query("""
            INSERT INTO generation_events (team_id, campaign_id, kind, data) VALUES (\(team), \(campaign), \(kind.rawValue), \(json)::jsonb)
            """, logger: logger)
        try await conn.query("SELECT pg_notify(\(GenerationEventHub.channel), \(team.uuidString.lowercased()))", logger: logger)
        guard let type = kind.webhook else { return }
        let names = try await conn.query("SELECT name FROM storyboards WHERE team_id = \(team) AND id = \(storyboard)", logger: logger)
        var message: String?
        if case .string(let text) = details["message"] { message = text }
        let payload = StoryboardEventData(storyboard_id: storyboard, campaign_id: campaign, name: try await names.decode(String.self).firstElement() ?? "",
                                          status: status.rawValue, shot_id: shot, message: message,
                                          url: "/api/v1/storyboards/\(storyboard.uuidString.lowercased())")
        try await outbox.emit(type, payload, team: team, on: conn)
    }
}
