import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Reelbase

/// A key's own budget is reserved in the same transaction as the team's and the campaign's:
/// under a burst it admits exactly what fits, and a monthly budget starts again at the UTC
/// month boundary.
@Suite struct ScopedKeyBudgetTests {
    @Test func aHundredConcurrentCallsAgainstRoomForTenAdmitExactlyTen() async throws {
        try await Gateway.withApp { client, team in
            // veo-3.1-lite, 4 s, 720p, no audio: $0.25 each at the default price table.
            let scoped = try await Gateway.key(#""budget_usd": "2.50", "budget_period": "none""#, team: team, client: client)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<100 { group.addTask { try await Gateway.submit(client, key: scoped.key).status.code } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 10, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
            #expect(statuses.filter { $0 == 406 }.count == 90)
            let queued = try await Library.count("SELECT count(*)::int8 FROM generations WHERE api_key_id = '\(scoped.id)' AND source = 'gateway'")
            #expect(queued == 10)
            let refused = try await Gateway.submit(client, key: scoped.key)
            #expect(refused.status.code == 406)
            let body = try JSONDecoder().decode(Gateway.SegmindError.self, from: Data(buffer: refused.body))
            #expect(body.error.contains("API key"), "\(body.error)")
            // The team's own key is not held by the scoped key's budget.
            #expect(try await Gateway.submit(client, key: team.api_key).status == .ok)
        }
    }

    @Test func aMonthlyBudgetStartsAgainAtTheUTCMonthBoundary() async throws {
        let clock = ManualClock(try Date("2026-01-31T23:59:00Z", strategy: .iso8601))
        try await Gateway.withApp(clock: clock) { client, team in
            let scoped = try await Gateway.key(#""budget_usd": 0.5, "budget_period": "month""#, team: team, client: client)
            #expect(try await Gateway.submit(client, key: scoped.key).status == .ok)
            #expect(try await Gateway.submit(client, key: scoped.key).status == .ok)
            #expect(try await Gateway.submit(client, key: scoped.key).status.code == 406)

            clock.advance(by: 120)  // 2026-02-01T00:01:00Z
            #expect(try await Gateway.submit(client, key: scoped.key).status == .ok)
            let listed = try await client.call("/api/v1/api-keys", key: team.api_key)
            let record = try #require(try JSONDecoder.api.decode(Gateway.KeyPage.self, from: Data(buffer: listed.body)).data
                .first { $0.id.uuidString.lowercased() == scoped.id })
            #expect(record.period_start == (try Date("2026-02-01T00:00:00Z", strategy: .iso8601)))
            #expect(record.period_used_usd == Decimal(string: "0.25"))
            #expect(record.budget_period == "month")
            #expect(try await Gateway.submit(client, key: scoped.key).status == .ok)
            #expect(try await Gateway.submit(client, key: scoped.key).status.code == 406)
        }
    }

    /// The key's budget holds every call made with it, not only the gateway's.
    @Test func theKeysBudgetAndModelsHoldItsRESTCallsToo() async throws {
        try await Gateway.withApp { client, team in
            let scoped = try await Gateway.key(#""budget_usd": 0.25, "allowed_models": ["veo-3.1-lite"]"#, team: team, client: client)
            let body = #"{"model": "veo-3.1-lite", "prompt": "a fox in snow", "duration": 4, "generate_audio": false}"#
            #expect(try await client.call("/api/v1/generations", .post, key: scoped.key, json: body).status == .accepted)
            let over = try await client.call("/api/v1/generations", .post, key: scoped.key, json: body)
            #expect(over.status.code == 402, "\(over.text)")
            let other = try await client.call("/api/v1/generations", .post, key: scoped.key,
                                              json: #"{"model": "veo-3.1-fast", "prompt": "a fox in snow", "duration": 4}"#)
            #expect(other.status == .forbidden, "\(other.text)")
            #expect(other.errorCode == "model_not_allowed")
        }
    }

    @Test func ownersChangeAScopeAndTheChangeIsAudited() async throws {
        try await Gateway.withApp { client, team in
            let scoped = try await Gateway.key(#""budget_usd": 1"#, team: team, client: client)
            let changed = try await client.call("/api/v1/api-keys/\(scoped.id)", .patch, key: team.api_key,
                                                json: #"{"budget_usd": null, "allowed_models": ["veo-3.1-fast", "segmind/veo-3"], "rate_limit_per_minute": 5}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            let record = try JSONDecoder.api.decode(Gateway.KeyRecord.self, from: Data(buffer: changed.body))
            #expect(record.budget_usd == nil)
            #expect(record.allowed_models == ["segmind/veo-3", "segmind/veo-3.1-fast"])
            let editor = try await Library.key("editor", team: team, client: client)
            #expect(try await client.call("/api/v1/api-keys/\(scoped.id)", .patch, key: editor, json: #"{"budget_usd": 5}"#).status == .forbidden)
            let bad = try await client.call("/api/v1/api-keys/\(scoped.id)", .patch, key: team.api_key,
                                            json: #"{"allowed_models": ["sora"], "rate_limit_per_minute": 0}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("allowed_models") && bad.text.contains("rate_limit_per_minute"))
            let audited = try await Library.count("SELECT count(*)::int8 FROM audit_log WHERE action = 'api_key.scope_changed' AND lower(target_id) = '\(scoped.id)'")
            #expect(audited == 1)
        }
    }
}
