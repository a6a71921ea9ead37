import Foundation
import Logging
import PostgresNIO
import Testing
@testable import Reelbase

/// Every documented filter of the list routes, alone and combined, is answered from an index:
/// on a team with enough rows that the planner has a real choice, no plan scans the table.
@Suite struct ReadPathTests {
    /// 20,000 generations over 20 campaigns and three models, with seeds, prompts, a saved seed
    /// and an asset, in a database of their own so the statistics are this team's.
    static func seeded(_ body: @Sendable (PostgresClient, Fixture) async throws -> Void) async throws {
        try await withScratchDatabase(migrated: true) { scratch in
            let config = try TestEnv.config(databaseURL: scratch.url)
            let db = scratch.client
            let logger = Logger(label: "read-paths")
            let team = try await TestEnv.makeTeam("Reads", config: config, ownerEmail: "reads@example.com").team_id
            let prompt = UUID()
            try await db.query("INSERT INTO campaigns (team_id, name) SELECT \(team), 'campaign ' || i FROM generate_series(1, 20) i", logger: logger)
            let seedID = try await db.query("INSERT INTO seeds (team_id, value) VALUES (\(team), 42) RETURNING id", logger: logger)
                .decode(UUID.self).firstElement()!
            try await db.query("""
                INSERT INTO generations (team_id, campaign_id, provider, model_id, account_key, prompt_text, params, seed, provider_seed,
                                         seed_id, prompt_id, state, estimated_cost_usd, created_at)
                SELECT \(team), (SELECT array_agg(id ORDER BY name) FROM campaigns WHERE team_id = \(team))[1 + i % 20], 'segmind',
                       (ARRAY['segmind/veo-3', 'segmind/veo-3.1', 'segmind/veo-3.1-fast'])[1 + i % 3], 'default:segmind', 'take ' || i,
                       '{"duration": 4}', i % 5000, 100000 + i, CASE WHEN i % 400 = 0 THEN \(seedID) END,
                       CASE WHEN i % 100 = 0 THEN \(prompt) END,
                       CASE WHEN i % 25 = 0 THEN 'failed' ELSE 'succeeded' END, 0.6, now() - i * interval '1 minute'
                FROM generate_series(1, 20000) i
                """, logger: logger)
            let blob = try await db.query("INSERT INTO blobs (team_id, size, content_type, chunk_size) VALUES (\(team), 1, 'image/png', 1) RETURNING id",
                                          logger: logger).decode(UUID.self).firstElement()!
            let asset = try await db.query("""
                INSERT INTO assets (team_id, blob_id, sha256, kind, size_bytes, width, height, role)
                VALUES (\(team), \(blob), \(Data(repeating: 7, count: 32)), 'png', 1, 1, 1, 'reference') RETURNING id
                """, logger: logger).decode(UUID.self).firstElement()!
            // Every take uses a common first frame; a few also use this reference.
            let common = try await db.query("""
                INSERT INTO assets (team_id, blob_id, sha256, kind, size_bytes, width, height, role)
                VALUES (\(team), \(blob), \(Data(repeating: 8, count: 32)), 'png', 1, 1, 1, 'first_frame') RETURNING id
                """, logger: logger).decode(UUID.self).firstElement()!
            try await db.query("""
                INSERT INTO generation_assets (generation_id, asset_id, role)
                SELECT id, \(asset), 'reference' FROM generations WHERE team_id = \(team) AND seed % 200 = 0
                UNION ALL SELECT id, \(common), 'first_frame' FROM generations WHERE team_id = \(team)
                """, logger: logger)
            try await db.query("ANALYZE", logger: logger)
            let campaign = try await db.query("SELECT id FROM campaigns WHERE team_id = \(team) ORDER BY name LIMIT 1", logger: logger)
                .decode(UUID.self).firstElement()!
            try await body(db, Fixture(team: team, campaign: campaign, prompt: prompt, seedID: seedID, asset: asset))
        }
    }

    struct Fixture: Sendable { let team: UUID; let campaign: UUID; let prompt: UUID; let seedID: UUID; let asset: UUID }

    static func plan(_ query: PostgresQuery, on db: PostgresClient) async throws -> String {
        var explain = query
        explain.sql = "EXPLAIN " + query.sql
        return try await db.query(explain, logger: Logger(label: "explain")).decode(String.self).reduce(into: "") { $0 += $1 + "\n" }
    }

    @Test func everyGenerationFilterAndCombinationUsesAnIndex() async throws {
        try await Self.seeded { db, f in
            typealias Filter = GenerationRepository.Filter
            var shapes: [String: Filter] = ["none": Filter()]
            func shape(_ name: String, _ edit: (inout Filter) -> Void) { var filter = Filter(); edit(&filter); shapes[name] = filter }
            shape("campaign") { $0.campaign = f.campaign }
            shape("status") { $0.status = .failed }
            shape("campaign+status") { $0.campaign = f.campaign; $0.status = .failed }
            shape("model") { $0.model = "veo-3.1" }
            shape("model+campaign") { $0.model = "veo-3.1"; $0.campaign = f.campaign }
            shape("prompt") { $0.prompt = f.prompt }
            shape("asset") { $0.asset = f.asset }
            shape("seed") { $0.seed = 4242 }
            shape("seed_id") { $0.seedID = f.seedID }
            shape("since+until") { $0.since = Date().addingTimeInterval(-86_400); $0.until = Date().addingTimeInterval(-3_600) }
            shape("status+since") { $0.status = .failed; $0.since = Date().addingTimeInterval(-86_400 * 3) }
            shape("empty campaign+status") { $0.campaign = UUID(); $0.status = .submitUnknown }
            for (name, filter) in shapes.sorted(by: { $0.key < $1.key }) {
                let cursor = ListCursor(micros: Int64(Date().addingTimeInterval(-600).timeIntervalSince1970 * 1_000_000), id: UUID())
                for after in [nil, cursor] {
                    let query = try GenerationRepository.listQuery(team: f.team, filter: filter, after: after, limit: 50)
                    let plan = try await Self.plan(query, on: db)
                    #expect(!plan.contains("Seq Scan"), "\(name): \(plan)")
                    #expect(plan.contains("Index"), "\(name): \(plan)")
                }
            }
        }
    }

    @Test func filtersStillAnswerWhatTheyDocument() async throws {
        try await Self.seeded { db, f in
            let repo = GenerationRepository(db: db, audit: AuditRepository(db: db, secrets: SecretBox(key: Data(count: 32)), logger: TestEnv.logger),
                                            outbox: WebhookOutbox(jobs: JobQueue(db: db, settings: .init(), clock: SystemClock(), logger: TestEnv.logger), logger: TestEnv.logger),
                                            logger: TestEnv.logger)
            var filter = GenerationRepository.Filter()
            filter.campaign = f.campaign
            filter.status = .failed
            filter.model = "veo-3.1"
            let page = try await repo.list(team: f.team, filter: filter, after: nil, limit: 50)
            let expected = try await db.query("""
                SELECT count(*) FROM generations WHERE team_id = \(f.team) AND campaign_id = \(f.campaign) AND state = 'failed'
                  AND model_id = 'segmind/veo-3.1'
                """, logger: TestEnv.logger).decode(Int.self).firstElement()!
            #expect(page.count == min(expected, 50))
            #expect(page.allSatisfy { $0.0.campaign_id == f.campaign && $0.0.status == .failed && $0.0.model == "segmind/veo-3.1" })
            #expect(page.map(\.0.created_at) == page.map(\.0.created_at).sorted(by: >))

            var seed = GenerationRepository.Filter()
            seed.seed = 100_007  // only a provider seed
            let bySeed = try await repo.list(team: f.team, filter: seed, after: nil, limit: 50)
            #expect(bySeed.count == 1 && bySeed[0].0.provider_seed == 100_007)

            // Keyset pages join up without gaps or repeats.
            var everything: [UUID] = []
            var cursor: ListCursor?
            var byCampaign = GenerationRepository.Filter()
            byCampaign.campaign = f.campaign
            repeat {
                let rows = try await repo.list(team: f.team, filter: byCampaign, after: cursor, limit: 400)
                everything += rows.map(\.0.id)
                cursor = rows.count == 400 ? rows.last?.1 : nil
            } while cursor != nil
            #expect(everything.count == 1000 && Set(everything).count == 1000)
        }
    }

    @Test func otherListsUseTheirIndexes() async throws {
        try await Self.seeded { db, f in
            let queries: [(String, PostgresQuery)] = [
                ("audit action", "EXPLAIN SELECT seq FROM audit_log WHERE team_id = \(f.team) AND action = \("generation.created") ORDER BY seq DESC LIMIT 50"),
                ("audit target type", "EXPLAIN SELECT seq FROM audit_log WHERE team_id = \(f.team) AND target_type = \("generation") ORDER BY seq DESC LIMIT 50"),
                ("credits account", "EXPLAIN SELECT id FROM credit_snapshots WHERE team_id = \(f.team) AND account_id = \(UUID()) ORDER BY id DESC LIMIT 50"),
                ("seeds campaign", "EXPLAIN SELECT id FROM seeds s WHERE s.team_id = \(f.team) AND s.campaign_id = \(f.campaign) ORDER BY created_at DESC, id DESC LIMIT 51"),
                ("assets role", "EXPLAIN SELECT id FROM assets a WHERE a.team_id = \(f.team) AND a.role = \("reference") ORDER BY created_at DESC, id DESC LIMIT 51"),
            ]
            // These tables are small here, so the planner would rightly scan them; with scans
            // priced out, a plan without one shows that an index can answer the filter.
            try await db.withConnection { conn in
                try await conn.query("SET enable_seqscan = off", logger: TestEnv.logger)
                for (name, query) in queries {
                    let plan = try await conn.query(query, logger: TestEnv.logger).decode(String.self).reduce(into: "") { $0 += $1 + "\n" }
                    #expect(!plan.contains("Seq Scan"), "\(name): \(plan)")
                }
                try await conn.query("RESET enable_seqscan", logger: TestEnv.logger)
            }
        }
    }
}
