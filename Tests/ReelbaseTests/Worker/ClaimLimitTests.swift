import Foundation
import Logging
import PostgresNIO
import ProviderSimulator
import Testing
@testable import Reelbase

/// Claims take each account's lock instead of one global lock; the account's concurrency
/// limit must still hold exactly with several workers claiming at once.
@Suite struct ClaimLimitTests {
    /// The most jobs of `account` that were ever in flight at once, replayed from the
    /// transitions the database recorded.
    static func mostInFlight(account: String, on db: PostgresClient, logger: Logger) async throws -> Int {
        try await db.query("""
            WITH moves AS (
                SELECT t.at, t.id,
                       CASE WHEN t.to_state IN ('submitting', 'submitted', 'cancel_requested')
                                 AND (t.from_state IS NULL OR t.from_state NOT IN ('submitting', 'submitted', 'cancel_requested')) THEN 1
                            WHEN t.from_state IN ('submitting', 'submitted', 'cancel_requested')
                                 AND t.to_state NOT IN ('submitting', 'submitted', 'cancel_requested') THEN -1
                            ELSE 0 END AS delta
                FROM generation_transitions t JOIN generations g ON g.id = t.generation_id
                WHERE g.account_key = \(account)
            )
            SELECT coalesce(max(running), 0)::int8 FROM (SELECT sum(delta) OVER (ORDER BY at, delta, id) AS running FROM moves) replay
            """, logger: logger).decode(Int.self).firstElement() ?? 0
    }

    @Test func threeWorkersNeverExceedTheAccountLimit() async throws {
        var options = PipelineHarness.Options()
        options.simulator = SimulatorConfig(latencySeconds: 0.3, retentionSeconds: 3600)
        options.expectedSeconds = 0.3
        options.concurrencyLimit = 3
        try await PipelineHarness.run(options) { h in
            let batch = try await h.client.call("/api/v1/generations/batch", .post, key: h.team.api_key, json: """
                {"base": {"model": "veo-3.1-fast", "prompt": "limits", "duration": 4}, "seeds": [\((1...30).map(String.init).joined(separator: ","))]}
                """)
            #expect(batch.status == .accepted, "\(batch.text)")
            // Two more workers beside the app's own, as other replicas would run.
            var extra = h.config
            extra.worker.workerID = "extra"
            extra.databasePoolSize = 16
            let config = extra
            let most = try await withServices(config) { services in
                let (db, logger) = (services.db, services.logger)
                let workers = workerServices(services) + workerServices(services)
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in workers { group.addTask { try await worker.run() } }
                    let deadline = ContinuousClock.now + .seconds(60)
                    while ContinuousClock.now < deadline {
                        let left = try await db.query("""
                            SELECT count(*)::int8 FROM generations WHERE state IN ('queued', 'submitting', 'submitted', 'cancel_requested')
                            """, logger: logger)
                            .decode(Int.self).firstElement() ?? 0
                        if left == 0 { break }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    group.cancelAll()
                    return try await Self.mostInFlight(account: h.accountID.lowercased(), on: db, logger: logger)
                }
            }
            let succeeded = try await h.sql { db, logger in
                try await db.query("SELECT count(*)::int8 FROM generations WHERE state = 'succeeded'", logger: logger).decode(Int.self).firstElement() ?? 0
            }
            #expect(succeeded > 0)
            #expect(most <= 3, "at most 3 in flight on the account, saw \(most)")
            #expect(most >= 2, "with 30 jobs queued and three workers, the account should be kept busy")
        }
    }
}
