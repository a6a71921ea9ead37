import Foundation
import PostgresNIO
import Testing
@testable import Reelbase

/// `GET /spend?group_by=api_key`: each key's booked spend, from the daily rollup for whole days
/// and from the ledger for the partial days at the ends of the range.
@Suite struct SpendByKeyTests {
    struct Report: Decodable {
        struct Row: Decodable { let key: String; let label: String; let generations: Int; let spent_usd: Decimal }
        let rows: [Row]
    }

    @Test func spendIsGroupedByTheKeyThatMadeEachGeneration() async throws {
        try await Gateway.withApp { client, team in
            let scoped = try await Gateway.key(#""budget_usd": 100"#, team: team, client: client)
            let key = try #require(UUID(uuidString: scoped.id))
            try await Self.book(team: team.team_id, key: key, amount: "0.40", at: "2026-03-01T15:00:00Z")  // a partial day: from the ledger
            try await Self.book(team: team.team_id, key: key, amount: "1.20", at: "2026-03-02T10:00:00Z")  // a whole day: from the rollup
            try await Self.book(team: team.team_id, key: nil, amount: "0.80", at: "2026-03-02T11:00:00Z")
            let response = try await client.call("/api/v1/spend?group_by=api_key&since=2026-03-01T12:00:00Z&until=2026-03-04T00:00:00Z", key: team.api_key)
            #expect(response.status == .ok, "\(response.text)")
            let rows = try JSONDecoder().decode(Report.self, from: Data(buffer: response.body)).rows
            let byKey = try #require(rows.first { $0.key.lowercased() == scoped.id })
            #expect(byKey.spent_usd == Decimal(string: "1.6"))
            #expect(byKey.generations == 2)
            #expect(byKey.label.hasPrefix("scoped ("))
            let none = try #require(rows.first { $0.key.isEmpty })
            #expect(none.spent_usd == Decimal(string: "0.8") && none.label == "(no API key)")
        }
    }

    static func book(team: UUID, key: UUID?, amount: String, at: String) async throws {
        let cost = Decimal(string: amount)!
        let when = try Date(at, strategy: .iso8601)
        try await TestEnv.withAdmin { db, logger in
            let rows = try await db.query("""
                INSERT INTO generations (team_id, api_key_id, provider, model_id, account_key, prompt_text, params, state, estimated_cost_usd,
                                         cost_usd, created_at, finished_at, source)
                VALUES (\(team), \(key), 'segmind', 'segmind/veo-3', 'default:segmind', 'a fixture', '{}'::jsonb, 'succeeded', \(cost), \(cost),
                        \(when), \(when), 'gateway')
                RETURNING id
                """, logger: logger)
            let id = try await rows.decode(UUID.self).firstElement()!
            try await db.query("""
                INSERT INTO spend_ledger (team_id, generation_id, provider, account_key, model_id, amount_usd, is_estimate, created_at)
                VALUES (\(team), \(id), 'segmind', 'default:segmind', 'segmind/veo-3', \(cost), false, \(when))
                """, logger: logger)
        }
    }
}
