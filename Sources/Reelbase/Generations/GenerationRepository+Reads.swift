import Foundation
import PostgresNIO

extension GenerationRepository {
    struct Filter: Sendable {
        var campaign: UUID?
        var status: GenerationState?
        var model: String?
        var prompt: UUID?
        var asset: UUID?
        var seed: Int64?
        var seedID: UUID?
        var since: Date?
        var until: Date?
        /// Review filters (migrations/0016_review_share_links.sql indexes them by team).
        var verdict: Verdict?
        var minRating: Int?
        var source: GenerationSource?
    }

    /// The id, the keyset cursor and the row version come first: a list page decodes only those
    /// for rows whose JSON it has cached (GenerationJSONCache).
    static let columns = """
        SELECT g.id, (extract(epoch FROM g.created_at) * 1000000)::int8, g.xmin::text::int8, g.state, g.provider, g.model_id, g.campaign_id, g.prompt_text, g.negative_prompt, g.prompt_id, g.prompt_version_id,
               g.params::text, g.seed, g.seed_id, g.provider_seed, g.provider_request_id, g.attempt, g.estimated_cost_usd, g.cost_usd,
               g.cost_is_estimate, g.credits_after, g.video_blob_id, g.video_sha256, g.video_size, g.video_content_type,
               g.error_kind, g.error_message, g.provider_status, g.created_by, g.created_at, g.submitted_at, g.finished_at,
               g.reported_cost_usd, g.cost_flag, g.poster_blob_id IS NOT NULL,
               g.source, g.api_key_id, g.routing::text
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

    /// Names only the filters given, so the planner sees each one and picks its index
    /// (migrations/0011_perf_read_paths.sql); every value is a bind parameter.
    func list(team: UUID, filter: Filter, after cursor: ListCursor?, limit: Int) async throws -> [(Generation, ListCursor)] {
        try await fetch(try Self.listQuery(team: team, filter: filter, after: cursor, limit: limit))
    }

    static func listQuery(team: UUID, filter: Filter, after cursor: ListCursor?, limit: Int) throws -> PostgresQuery {
        try """
        \(unescaped: columns)
        WHERE \(all: conditions(team: team, filter: filter, after: cursor))
        ORDER BY g.created_at DESC, g.id DESC
        LIMIT \(limit)
        """
    }

    static func conditions(team: UUID, filter: Filter, after cursor: ListCursor?) -> [SQLFragment] {
        var conditions: [SQLFragment] = ["g.team_id = \(team)"]
        if let campaign = filter.campaign { conditions.append("g.campaign_id = \(campaign)") }
        if let status = filter.status { conditions.append("g.state = \(status)") }
        // Stored model ids always name their provider; a bare name means Segmind's.
        if let model = filter.model { conditions.append("g.model_id = \(model.contains("/") ? model : "segmind/" + model)") }
        if let prompt = filter.prompt { conditions.append("g.prompt_id = \(prompt)") }
        if let asset = filter.asset {
            conditions.append("g.id IN (SELECT a.generation_id FROM generation_assets a WHERE a.asset_id = \(asset))")
        }
        if let seed = filter.seed { conditions.append("g.seed = \(seed) OR g.provider_seed = \(seed)") }
        if let seedID = filter.seedID { conditions.append("g.seed_id = \(seedID)") }
        if let since = filter.since { conditions.append("g.created_at >= \(since)") }
        if let until = filter.until { conditions.append("g.created_at < \(until)") }
        if let verdict = filter.verdict {
            conditions.append("g.id IN (SELECT r.generation_id FROM take_reviews r WHERE r.team_id = \(team) AND r.verdict = \(verdict.rawValue))")
        }
        if let rating = filter.minRating {
            conditions.append("g.id IN (SELECT r.generation_id FROM take_reviews r WHERE r.team_id = \(team) AND r.rating >= \(Int16(rating)))")
        }
        if let source = filter.source { conditions.append("g.source = \(source.rawValue)") }
        if let cursor { conditions.append(cursor.after("g")) }
        return conditions
    }

    /// A list page as each item's JSON, cached by row version: only rows not seen in this version
    /// are decoded and encoded. Same query, same items, same order as `list`.
    func listJSON(team: UUID, filter: Filter, after cursor: ListCursor?, limit: Int) async throws -> (items: [Data], last: ListCursor?) {
        let rows = try await db.query(try Self.listQuery(team: team, filter: filter, after: cursor, limit: limit), logger: logger)
        var fetched: [(key: GenerationJSONCache.Key, cursor: ListCursor, row: PostgresRow)] = []
        for try await row in rows {
            let (id, micros, version) = try row.decode((UUID, Int64, Int64).self)
            fetched.append((.init(id: id, version: version), ListCursor(micros: micros, id: id), row))
        }
        var items = jsonCache.lookup(fetched.map(\.key))
        var encoded: [(GenerationJSONCache.Key, Data)] = []
        for index in items.indices where items[index] == nil {
            let json = try JSONEncoder.api.encode(try Self.decode(fetched[index].row).0)
            items[index] = json
            encoded.append((fetched[index].key, json))
        }
        jsonCache.store(encoded)
        return (items.compactMap { $0 }, fetched.last?.cursor)
    }

    private func fetch(_ query: PostgresQuery) async throws -> [(Generation, ListCursor)] {
        let rows = try await db.query(query, logger: logger)
        var result: [(Generation, ListCursor)] = []
        for try await row in rows { result.append(try Self.decode(row)) }
        return result
    }

    /// A row of `columns`.
    static func decode(_ row: PostgresRow) throws -> (Generation, ListCursor) {
        let c = try row.decode((UUID, Int64, Int64, GenerationState, String, String, UUID?, String, String?, UUID?, UUID?, String, Int64?, UUID?, Int64?, String?,
                                Int, Decimal, Decimal?, Bool?, Decimal?, UUID?, String?, Int64?, String?, String?, String?, Int?,
                                UUID?, Date, Date?, Date?, Decimal?, String?, Bool, String, UUID?, String?).self)
        let video = c.21.map { _ in Generation.Video(url: "/api/v1/generations/\(c.0.uuidString.lowercased())/video", sha256: c.22, size_bytes: c.23, content_type: c.24) }
        let error = c.25.map { Generation.ErrorInfo(kind: $0, message: c.26, provider_status: c.27) }
        var generation = Generation(id: c.0, status: c.3, provider: c.4, model: c.5, campaign_id: c.6,
                                    prompt_text: c.7, negative_prompt: c.8, prompt_id: c.9, prompt_version_id: c.10, params: .parse(c.11),
                                    seed: c.12, seed_id: c.13, provider_seed: c.14, provider_request_id: c.15, attempt: c.16,
                                    estimated_cost_usd: c.17, cost_usd: c.18, cost_is_estimate: c.19, reported_cost_usd: c.32, cost_flag: c.33,
                                    credits_after: c.20, video: video,
                                    error: error, created_by: c.28, created_at: c.29, submitted_at: c.30, finished_at: c.31)
        generation.source = c.35
        generation.api_key_id = c.36
        generation.routing = c.37.map { JSONValue.parse($0) }
        if c.34 { generation.poster_url = "/api/v1/generations/\(c.0.uuidString.lowercased())/poster" }
        return (generation, ListCursor(micros: c.1, id: c.0))
    }

    /// The video's blob, for streaming.
    func videoBlob(team: UUID, id: UUID) async throws -> UUID? {
        let rows = try await db.query("SELECT video_blob_id FROM generations WHERE team_id = \(team) AND id = \(id)", logger: logger)
        return try await rows.decode(UUID?.self).firstElement() ?? nil
    }
}
