import Foundation
import PostgresNIO

/// What a `cut` link shows: the cut's player and the list of the takes it joins (their place,
/// model and length; no prompts, costs or take videos: the link opens the cut only).
struct SharedCut: Encodable, Sendable {
    let number: Int
    let storyboard_name: String
    let duration_seconds: Double?
    let width: Int?
    let height: Int?
    let has_audio: Bool?
    let video_url: String
    let poster_url: String?
    let takes: [SharedCutTake]
}

struct SharedCutTake: Encodable, Sendable {
    /// 1-based, in the order the cut plays them.
    let position: Int
    let model: String
    let aspect_ratio: String?
    /// The length asked for (seconds).
    let duration_seconds: Double?
}

extension SharedReviewReader {
    /// The link's cut while it is ready; nil otherwise (it answers like any uncovered object).
    func cut(_ access: SharedAccess, base: String) async throws -> SharedCut? {
        guard let target = access.cut else { return nil }
        let rows = try await db.query("""
            SELECT s.name, c.duration_seconds, c.width, c.height, c.has_audio, c.poster_blob_id IS NOT NULL, c.generation_ids
            FROM storyboard_cuts c JOIN storyboards s ON s.team_id = c.team_id AND s.id = c.storyboard_id
            WHERE c.team_id = \(access.team) AND c.storyboard_id = \(target.storyboard) AND c.number = \(target.number)
              AND c.state = \(Cut.State.ready.rawValue)
            """, logger: logger)
        guard let c = try await rows.decode((String, Double?, Int?, Int?, Bool?, Bool, [UUID]).self).firstElement() else { return nil }
        let found = try await db.query("""
            SELECT id, model_id, params->>'aspect_ratio',
                   CASE WHEN jsonb_typeof(params->'duration') = 'number' THEN (params->>'duration')::float8 END
            FROM generations WHERE team_id = \(access.team) AND id = ANY(\(c.6))
            """, logger: logger)
        let takes = try await found.decode((UUID, String, String?, Double?).self).reduce(into: [UUID: (String, String?, Double?)]()) { $0[$1.0] = ($1.1, $1.2, $1.3) }
        let listed = c.6.enumerated().compactMap { index, id in
            takes[id].map { SharedCutTake(position: index + 1, model: $0.0, aspect_ratio: $0.1, duration_seconds: $0.2) }
        }
        return SharedCut(number: target.number, storyboard_name: c.0, duration_seconds: c.1, width: c.2, height: c.3, has_audio: c.4,
                         video_url: base + "/api/cut/video", poster_url: c.5 ? base + "/api/cut/poster" : nil, takes: listed)
    }

    /// The blob of the link's cut's video or poster, while the cut is ready.
    func cutBlob(_ access: SharedAccess, poster: Bool) async throws -> UUID? {
        guard let target = access.cut else { return nil }
        let rows = try await db.query("""
            SELECT CASE WHEN \(poster) THEN poster_blob_id ELSE video_blob_id END FROM storyboard_cuts
            WHERE team_id = \(access.team) AND storyboard_id = \(target.storyboard) AND number = \(target.number) AND state = \(Cut.State.ready.rawValue)
            """, logger: logger)
        return try await rows.decode(UUID?.self).firstElement() ?? nil
    }
}
