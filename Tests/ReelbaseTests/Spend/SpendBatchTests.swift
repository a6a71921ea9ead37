import Foundation
import Logging
import PostgresNIO
import Testing
@testable import Reelbase

/// A worker's finishing batch books all its takes in one statement (`SpendLedger.settle(_:on:)`).
/// It must leave exactly what booking them one at a time would: budgets, reservations, the
/// ledger and its rollups, and each budget-threshold event on the booking that crossed it.
@Suite struct SpendBatchTests {
    struct Threshold: Decodable, Equatable {
        let scope: String
        let threshold_percent: Int
        let spent_usd: Decimal
        let generation_id: UUID
    }

    @Test func aBatchBooksAsIfOneAtATime() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        var options = receiver.allowedBy(PipelineHarness.Options())
        options.workerRunning = false  // the takes stay queued with their $0.60 reserved
        try await PipelineHarness.run(options) { h in
            let hook = try await h.client.call("/api/v1/webhook-endpoints", .post, key: h.team.api_key,
                                               json: #"{"url": "\#(receiver.url)", "events": ["budget.threshold"]}"#)
            #expect(hook.status == .created, "\(hook.text)")
            let campaign = try decode(Identified.self, from: try await h.client.call("/api/v1/campaigns", .post, key: h.team.api_key,
                                                                                   json: #"{"name": "Batch"}"#)).id
            var ids: [UUID] = []
            for index in 0..<6 {
                // The last take is outside the campaign: the team's budget moves, the campaign's does not.
                let inCampaign = index < 5 ? #", "campaign_id": "\#(campaign)""# : ""
                ids.append(UUID(uuidString: try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "take \#(index)", "duration": 4\#(inCampaign)}"#))!)
            }
            // Five at $0.60 as reported, one at a reported $99 (out of range: the estimate is booked, flagged).
            var bookings = ids.prefix(5).map { SpendLedger.Booking(generation: $0, charge: .init(reported: Decimal(string: "0.6")!, estimate: Decimal(string: "0.6")!)) }
            bookings.append(.init(generation: ids[5], charge: .init(reported: 99, estimate: Decimal(string: "0.6")!)))

            let (booked, again, team, camp, generations, thresholds, mismatches) = try await h.sql { [bookings, ids] db, logger in
                let ledger = SpendLedger(logger: logger, outbox: WebhookOutbox(jobs: JobQueue(db: db, settings: .init(), clock: SystemClock(), logger: logger), logger: logger))
                // The budgets after the takes were queued (with them in place the later takes could not have been).
                try await db.query("UPDATE teams SET budget_usd = 3 WHERE id = \(h.team.team_id)", logger: logger)
                try await db.query("UPDATE campaigns SET budget_usd = 2 WHERE id = \(UUID(uuidString: campaign)!)", logger: logger)
                let booked = try await db.transaction(logger: logger) { try await ledger.settle(bookings, on: $0) }
                let again = try await db.transaction(logger: logger) { try await ledger.settle(bookings, on: $0) }
                let team = try await db.query("SELECT spent_usd, reserved_usd FROM teams WHERE id = \(h.team.team_id)", logger: logger)
                    .decode((Decimal, Decimal).self).firstElement()!
                let camp = try await db.query("SELECT spent_usd, reserved_usd FROM campaigns WHERE id = \(UUID(uuidString: campaign)!)", logger: logger)
                    .decode((Decimal, Decimal).self).firstElement()!
                var generations: [UUID: (Decimal, Bool, Decimal?, String?, Decimal)] = [:]
                for try await row in try await db.query("""
                    SELECT id, cost_usd, cost_is_estimate, reported_cost_usd, cost_flag, reserved_usd FROM generations WHERE id = ANY(\(ids))
                    """, logger: logger).decode((UUID, Decimal, Bool, Decimal?, String?, Decimal).self) {
                    generations[row.0] = (row.1, row.2, row.3, row.4, row.5)
                }
                var thresholds: [Threshold] = []
                for try await body in try await db.query("""
                    SELECT body FROM webhook_events WHERE type = 'budget.threshold' ORDER BY created_at, id
                    """, logger: logger).decode(String.self) {
                    struct Envelope: Decodable { let data: Threshold }
                    thresholds.append(try JSONDecoder.api.decode(Envelope.self, from: Data(body.utf8)).data)
                }
                let mismatches = try await db.query(SpendRollupTests.mismatches, logger: logger).decode(Int.self).firstElement()!
                    + db.query(SpendRollupTests.monthlyMismatches, logger: logger).decode(Int.self).firstElement()!
                    + db.query(SpendRollupTests.accountMismatches, logger: logger).decode(Int.self).firstElement()!
                return (booked, again, team, camp, generations, thresholds, mismatches)
            }

            #expect(booked == Set(ids))
            #expect(again.isEmpty, "a generation is booked once")
            #expect(team == (Decimal(string: "3.6")!, 0), "six bookings of $0.60, every reservation released")
            #expect(camp == (Decimal(3), 0), "the five in the campaign")
            for id in ids.prefix(5) {
                let g = try #require(generations[id])
                #expect(g.0 == Decimal(string: "0.6")! && !g.1 && g.2 == Decimal(string: "0.6")! && g.3 == nil && g.4 == 0)
            }
            let flagged = try #require(generations[ids[5]])
            #expect(flagged.0 == Decimal(string: "0.6")! && flagged.1 && flagged.2 == 99 && flagged.3 == "out_of_range")
            #expect(mismatches == 0, "the rollups equal the ledger")
            // Budget lines as one-at-a-time booking would cross them: the campaign's $2 at 80 % with
            // the 3rd take ($1.80) and 100 % with the 4th ($2.40); the team's $3 at 80 % with the
            // 4th ($2.40) and 100 % with the 5th ($3.00). Each once.
            let expected = [
                Threshold(scope: "campaign", threshold_percent: 80, spent_usd: Decimal(string: "1.8")!, generation_id: ids[2]),
                Threshold(scope: "team", threshold_percent: 80, spent_usd: Decimal(string: "2.4")!, generation_id: ids[3]),
                Threshold(scope: "campaign", threshold_percent: 100, spent_usd: Decimal(string: "2.4")!, generation_id: ids[3]),
                Threshold(scope: "team", threshold_percent: 100, spent_usd: 3, generation_id: ids[4]),
            ]
            #expect(thresholds.sorted { ($0.generation_id.uuidString, $0.scope) < ($1.generation_id.uuidString, $1.scope) }
                    == expected.sorted { ($0.generation_id.uuidString, $0.scope) < ($1.generation_id.uuidString, $1.scope) })
        }
    }
}
