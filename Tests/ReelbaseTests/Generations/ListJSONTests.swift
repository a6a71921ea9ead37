import Foundation
import Logging
import NIOCore
import PostgresNIO
import Testing
@testable import Reelbase

/// The generations list answers from each row's cached JSON: the bytes are what the encoder
/// writes for the decoded rows, a changed row is never served stale, and the cache is bounded.
@Suite struct ListJSONTests {
    static func withRows(_ body: @Sendable (PostgresClient, GenerationRepository, UUID) async throws -> Void) async throws {
        try await withScratchDatabase(migrated: true) { scratch in
            let config = try TestEnv.config(databaseURL: scratch.url)
            let db = scratch.client
            let logger = TestEnv.logger
            let team = try await TestEnv.makeTeam("Lists", config: config, ownerEmail: "lists@example.com").team_id
            try await db.query("""
                INSERT INTO generations (team_id, provider, model_id, account_key, prompt_text, params, seed, state, estimated_cost_usd,
                                         cost_usd, cost_is_estimate, error_kind, error_message, created_at, finished_at)
                SELECT \(team), 'segmind', 'segmind/veo-3.1', 'default:segmind', 'take ' || i || ' "quoted" / slash',
                       '{"duration": 4, "resolution": "720p", "generate_audio": true, "nested": {"a": [1, null, "x"]}}', i,
                       CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'succeeded' END, 0.6, CASE WHEN i % 3 = 0 THEN NULL ELSE 0.425 END, i % 2 = 0,
                       CASE WHEN i % 3 = 0 THEN 'provider_rejected' END, CASE WHEN i % 3 = 0 THEN 'blocked: é' END,
                       now() - i * interval '1 minute', now() - i * interval '1 minute' + interval '20 seconds'
                FROM generate_series(1, 120) i
                """, logger: logger)
            let repo = GenerationRepository(db: db, audit: AuditRepository(db: db, secrets: SecretBox(key: Data(count: 32)), logger: logger),
                                            outbox: WebhookOutbox(jobs: JobQueue(db: db, settings: .init(), clock: SystemClock(), logger: logger), logger: logger),
                                            logger: logger)
            try await body(db, repo, team)
        }
    }

    @Test func pagesAreTheEncodersBytesForTheDecodedRows() async throws {
        try await Self.withRows { _, repo, team in
            var cursor: ListCursor?
            var pages = 0
            repeat {
                let decoded = try await repo.list(team: team, filter: .init(), after: cursor, limit: 50)
                for pass in 1...2 {  // the second pass is served from the cache
                    let page = try await repo.listJSON(team: team, filter: .init(), after: cursor, limit: 50)
                    #expect(page.items == (try decoded.map { try JSONEncoder.api.encode($0.0) }), "pass \(pass)")
                    #expect(page.last == decoded.last?.1)
                    let next = decoded.count == 50 ? decoded.last?.1.encoded : nil
                    let body = try EncodedPage(items: page.items, next_cursor: next).body()
                    let expected = try JSONEncoder.api.encode(Page(data: decoded.map(\.0), next_cursor: next))
                    #expect(Data(buffer: body) == expected, "page \(pages + 1) pass \(pass)")
                }
                cursor = decoded.count == 50 ? decoded.last?.1 : nil
                pages += 1
            } while cursor != nil
            #expect(pages == 3)
            #expect(repo.jsonCache.count == 120)
        }
    }

    @Test func aChangedRowIsNeverServedStale() async throws {
        try await Self.withRows { db, repo, team in
            let first = try await repo.listJSON(team: team, filter: .init(), after: nil, limit: 5)
            let target = try await repo.list(team: team, filter: .init(), after: nil, limit: 1)[0].0.id
            try await db.query("UPDATE generations SET prompt_text = 'changed after caching', state = 'expired' WHERE id = \(target)",
                               logger: TestEnv.logger)
            let second = try await repo.listJSON(team: team, filter: .init(), after: nil, limit: 5)
            let item = try JSONDecoder.api.decode(Listed.self, from: second.items[0])
            #expect(item.id == target && item.prompt_text == "changed after caching" && item.status == "expired")
            #expect(second.items[1...] == first.items[1...], "the other rows did not change")
            #expect(second.items[0] == (try JSONEncoder.api.encode(try await repo.find(team: team, id: target)!.withoutDetail)))
        }
    }

    @Test func aCachedRowIsNotDecodedAgain() async throws {
        try await Self.withRows { db, repo, team in
            let first = try await repo.list(team: team, filter: .init(), after: nil, limit: 1)[0].0.id
            let version = try await db.query("SELECT xmin::text::int8 FROM generations WHERE id = \(first)", logger: TestEnv.logger)
                .decode(Int64.self).firstElement()!
            // A marker in the cache under the row's current version is what the page returns.
            repo.jsonCache.store([(.init(id: first, version: version), Data(#"{"marker":true}"#.utf8))])
            let page = try await repo.listJSON(team: team, filter: .init(), after: nil, limit: 2)
            #expect(page.items[0] == Data(#"{"marker":true}"#.utf8))
            #expect(page.items[1] != page.items[0])
        }
    }

    @Test func theCacheIsBounded() {
        let cache = GenerationJSONCache(capacity: 3)
        let keys = (0..<10).map { GenerationJSONCache.Key(id: UUID(), version: Int64($0)) }
        cache.store(keys.map { ($0, Data("\($0.version)".utf8)) })
        #expect(cache.count <= 6)
        #expect(cache.lookup([keys[9]]) == [Data("9".utf8)])
        #expect(cache.lookup([keys[0]]) == [nil], "the oldest entries were dropped")
        // Now 9 is recent and 6, 7, 8 older. A hit on 6 moves it forward: after the next
        // turnover it is still there, while 7, never asked for, is gone.
        #expect(cache.lookup([keys[6]]) == [Data("6".utf8)])
        cache.store((100..<103).map { (.init(id: UUID(), version: $0), Data()) })
        #expect(cache.lookup([keys[6]]) == [Data("6".utf8)])
        #expect(cache.lookup([keys[7]]) == [nil])
    }

    struct Listed: Decodable { let id: UUID; let prompt_text: String; let status: String }
}

extension Generation {
    /// As a list shows it: without the detail `GET /generations/{id}` adds.
    var withoutDetail: Generation {
        var copy = self
        copy.assets = nil
        copy.attempts = nil
        copy.transitions = nil
        return copy
    }
}
