import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Reelbase

/// Claims on an account several teams share (the instance default account): one team's long
/// batch does not starve another team's single job, and the account's limit stays exact.
@Suite struct FairClaimTests {
    static let account = "default:segmind"

    func enqueue(_ db: PostgresClient, team: UUID, count: Int, label: String) async throws -> [UUID] {
        try await db.query("""
            INSERT INTO generations (team_id, provider, model_id, account_key, concurrency_limit, prompt_text, params, estimated_cost_usd, created_at)
            SELECT \(team), 'segmind', 'segmind/veo-3.1-fast', \(Self.account), 4, \(label) || ' ' || n, '{}'::jsonb, 0.4, clock_timestamp()
            FROM generate_series(1, \(count)) n
            RETURNING id
            """, logger: TestEnv.logger).decode(UUID.self).reduce(into: []) { $0.append($1) }
    }

    func inFlight(_ db: PostgresClient) async throws -> Int {
        try await db.query("""
            SELECT count(*)::int FROM generations WHERE account_key = \(Self.account) AND \(GenerationSQL.inFlight())
            """, logger: TestEnv.logger).decode(Int.self).firstElement() ?? 0
    }

    @Test func aSingleJobWaitsAtMostOneClaimRoundBehindAnotherTeamsBatch() async throws {
        var options = PipelineHarness.Options()
        options.workerRunning = false
        try await PipelineHarness.run(options) { h in
            let other = try await TestEnv.makeTeam("Other", config: h.config)
            try await h.sql { db, logger in
                let queue = WorkQueue(db: db, settings: h.config.worker, logger: logger)
                let batch = try await enqueue(db, team: h.team.team_id, count: 500, label: "batch")
                let single = try await enqueue(db, team: other.team_id, count: 1, label: "single")[0]

                // First round: the slots go round the teams, so the single job is in it.
                let first = try await queue.claimSubmissions(limit: 8)
                #expect(first.count == 4, "the account's limit is 4")
                #expect(first.contains { $0.id == single }, "the other team's job is not behind 500 others")
                #expect(try await inFlight(db) == 4)

                // With every slot taken by the batch, the next free slot goes to a newcomer first.
                let late = try await enqueue(db, team: other.team_id, count: 1, label: "late")[0]
                #expect(try await queue.claimSubmissions(limit: 8).isEmpty, "no slot is free")
                let done = try #require(first.first { $0.id != single })
                try await db.query("UPDATE generations SET state = 'succeeded', lease_token = NULL WHERE id = \(done.id)", logger: logger)
                let next = try await queue.claimSubmissions(limit: 8)
                #expect(next.map(\.id) == [late], "one slot freed, and it goes to the team with less running")
                #expect(try await inFlight(db) == 4)

                // Between equals, the batch goes on in its own order.
                try await db.query("UPDATE generations SET state = 'succeeded', lease_token = NULL WHERE id = ANY(\([single, late]))", logger: logger)
                let more = try await queue.claimSubmissions(limit: 8)
                #expect(more.count == 2 && Set(more.map(\.id)).isSubset(of: Set(batch)))
                #expect(try await inFlight(db) == 4)
            }
        }
    }
}
