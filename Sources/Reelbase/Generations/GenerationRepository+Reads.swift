import Foundation
import PostgresNIO

extension GenerationRepository {
    struct Filter: Sendable {
        var campaign: UUID?
        var status: String?
        var model: String?
        var prompt: UUID?
        var asset: UUID?
        var seed: Int64?
        var seedID: UUID?
        var since: Date?
        var until: Date?
    }

    static let columns = """
        SELECT g.id, g.state, g.provider, g.model_id, g.campaign_id, g.prompt_text, g.negative_prompt, g.prompt_id, g.prompt_version_id,
               g.params::text, g.seed, g.seed_id, g.provider_seed, g.provider_request_id, g.attempt, g.estimated_cost_usd, g.cost_usd,
               g.cost_is_estimate, g.credits_after, g.video_blob_id, g.video_sha256, g.video_size, g.video_content_type,
               g.error_kind, g.error_message, g.provider_status, g.created_by, g.created_at, g.submitted_at, g.finished_at,
               (extract(epoch FROM g.created_at) * 1000000)::int8, g.poster_blob_id IS NOT NULL
        FROM generations g
        """

    func find(team: UUID, id: UUID) async throws -> Generation? {
        guard var generation = try await fetch("\(unescaped: Self.columns) WHERE g.team_id = \(team) AND g.id = \(id)").first?.0 else { return nil }
        let assets = try await db.query("SELECT asset_id, coalesce(role, '') FROM generation_assets WHERE generation_id = \(id) ORDER BY role, asset_id", logger: logger)
        generation.assets = try await assets.decode((UUID, String).self).reduce(into: []) { $0.append(.init(asset_id: $1.0, role: $1.1)) }
        let attempts = try await db.query("""
            SELECT attempt, phase, outcome, http_status, message, at FROM generation_attempts WHERE generation_id = \(id) ORDER BY id
            """, logger: logger)
        generation.attempts = try await attempts.decode((Int, String, String, Int?, String?, Date).self).reduce(into: []) {
            $0.append(.init(attempt: $1.0, phase: $1.1, outcome: $1.2, http_status: $1.3, message: $1.4, at: $1.5))
        }
        let transitions = try await db.query("SELECT from_state, to_state, at FROM generation_transitions WHERE generation_id = \(id) ORDER BY id", logger: logger)
        generation.transitions = try await transitions.decode((String?, String, Date).self).reduce(into: []) {
            $0.append(.init(from: $1.0, to: $1.1, at: $1.2))
        }
        return generation
    }

    func list(team: UUID, filter: Filter, after cursor: ListCursor?, limit: Int) async throws -> [(Generation, ListCursor)] {
        try await fetch("""
            \(unescaped: Self.columns)
            WHERE g.team_id = \(team)
              AND (\(filter.campaign)::uuid IS NULL OR g.campaign_id = \(filter.campaign))
              AND (\(filter.status)::text IS NULL OR g.state = \(filter.status))
              AND (\(filter.model)::text IS NULL OR g.model_id = \(filter.model) OR g.model_id = \(filter.model.map { "segmind/" + $0 }))
              AND (\(filter.prompt)::uuid IS NULL OR g.prompt_id = \(filter.prompt))
              AND (\(filter.asset)::uuid IS NULL OR EXISTS (SELECT 1 FROM generation_assets a WHERE a.generation_id = g.id AND a.asset_id = \(filter.asset)))
              AND (\(filter.seed)::int8 IS NULL OR g.seed = \(filter.seed) OR g.provider_seed = \(filter.seed))
              AND (\(filter.seedID)::uuid IS NULL OR g.seed_id = \(filter.seedID))
              AND (\(filter.since)::timestamptz IS NULL OR g.created_at >= \(filter.since))
              AND (\(filter.until)::timestamptz IS NULL OR g.created_at < \(filter.until))
              AND (\(cursor?.micros)::int8 IS NULL
                   OR (g.created_at, g.id) < (timestamptz 'epoch' + \(cursor?.micros) * interval '1 microsecond', \(cursor?.id)))
            ORDER BY g.created_at DESC, g.id DESC
            LIMIT \(limit)
            """)
    }

    private func fetch(_ query: PostgresQuery) async throws -> [(Generation, ListCursor)] {
        let rows = try await db.query(query, logger: logger)
        var result: [(Generation, ListCursor)] = []
        for try await row in rows {
            let c = try row.decode((UUID, String, String, String, UUID?, String, String?, UUID?, UUID?, String, Int64?, UUID?, Int64?, String?,
                                    Int, Decimal, Decimal?, Bool?, Decimal?, UUID?, String?, Int64?, String?, String?, String?, Int?,
                                    UUID?, Date, Date?, Date?, Int64, Bool).self)
            let video = c.19.map { _ in Generation.Video(url: "/api/v1/generations/\(c.0.uuidString.lowercased())/video", sha256: c.20, size_bytes: c.21, content_type: c.22) }
            let error = c.23.map { Generation.ErrorInfo(kind: $0, message: c.24, provider_status: c.25) }
            var generation = Generation(id: c.0, status: GenerationState(rawValue: c.1) ?? .queued, provider: c.2, model: c.3, campaign_id: c.4,
                                        prompt_text: c.5, negative_prompt: c.6, prompt_id: c.7, prompt_version_id: c.8, params: .parse(c.9),
                                        seed: c.10, seed_id: c.11, provider_seed: c.12, provider_request_id: c.13, attempt: c.14,
                                        estimated_cost_usd: c.15, cost_usd: c.16, cost_is_estimate: c.17, credits_after: c.18, video: video,
                                        error: error, created_by: c.26, created_at: c.27, submitted_at: c.28, finished_at: c.29)
            if c.31 { generation.poster_url = "/api/v1/generations/\(c.0.uuidString.lowercased())/poster" }
            result.append((generation, ListCursor(micros: c.30, id: c.0)))
        }
        return result
    }

    /// The video's blob, for streaming.
    func videoBlob(team: UUID, id: UUID) async throws -> UUID? {
        let rows = try await db.query("SELECT video_blob_id FROM generations WHERE team_id = \(team) AND id = \(id)", logger: logger)
        return try await rows.decode(UUID?.self).firstElement() ?? nil
    }
}
