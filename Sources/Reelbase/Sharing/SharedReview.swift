import Foundation
import Logging
import PostgresNIO

/// What `GET /s/{token}/api/link` answers: the link's takes with their review, and nothing of
/// the team beyond them (no prompts, costs or other takes).
struct SharedReview: Encodable, Sendable {
    let kind: ShareKind
    let title: String?
    let campaign_name: String?
    let expires_at: Date
    /// The link has a password this browser has not given yet: `takes` is empty and `cut` null.
    let locked: Bool
    /// Empty for a `cut` link.
    let takes: [SharedTake]
    /// A `cut` link's cut (null for the other kinds).
    let cut: SharedCut?
}

struct SharedTake: Encodable, Sendable {
    let id: UUID
    /// 1-based, in the link's order.
    let position: Int
    let model: String
    let aspect_ratio: String?
    let video_url: String
    let poster_url: String?
    let review: TakeReview
}

/// Reads for the public page, scoped by the link's team and its takes only.
struct SharedReviewReader: Sendable {
    let db: PostgresClient
    let reviews: ReviewRepository
    let logger: Logger

    func review(_ access: SharedAccess, locked: Bool, base: String) async throws -> SharedReview {
        var campaignName: String?
        if let campaign = access.campaignID {
            let rows = try await db.query("SELECT name FROM campaigns WHERE team_id = \(access.team) AND id = \(campaign)", logger: logger)
            campaignName = try await rows.decode(String.self).firstElement()
        }
        var takes: [SharedTake] = []
        if !locked {
            let rows = try await db.query("""
                SELECT id, model_id, params->>'aspect_ratio', poster_blob_id IS NOT NULL FROM generations
                WHERE team_id = \(access.team) AND id = ANY(\(access.generationIDs))
                """, logger: logger)
            let found = try await rows.decode((UUID, String, String?, Bool).self).reduce(into: [UUID: (String, String?, Bool)]()) { $0[$1.0] = ($1.1, $1.2, $1.3) }
            for (index, id) in access.generationIDs.enumerated() {
                guard let (model, aspect, hasPoster) = found[id], let review = try await reviews.review(team: access.team, generation: id) else { continue }
                let take = "\(base)/api/takes/\(id.uuidString.lowercased())"
                takes.append(SharedTake(id: id, position: index + 1, model: model, aspect_ratio: aspect, video_url: take + "/video",
                                        poster_url: hasPoster ? take + "/poster" : nil, review: review))
            }
        }
        return SharedReview(kind: access.kind, title: access.title, campaign_name: campaignName, expires_at: access.expiresAt,
                            locked: locked, takes: takes, cut: locked ? nil : try await cut(access, base: base))
    }

    /// The blob of a covered take's video or poster.
    func blob(_ access: SharedAccess, take: UUID, poster: Bool) async throws -> UUID? {
        guard access.covers(take) else { return nil }
        let rows = try await db.query("""
            SELECT CASE WHEN \(poster) THEN poster_blob_id ELSE video_blob_id END FROM generations WHERE team_id = \(access.team) AND id = \(take)
            """, logger: logger)
        return try await rows.decode(UUID?.self).firstElement() ?? nil
    }
}
