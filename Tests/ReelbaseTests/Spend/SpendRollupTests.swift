import Foundation
import HummingbirdTesting
import Logging
import PostgresNIO
import ProviderSimulator
import Testing
@testable import Reelbase

/// The daily rollup that `/spend` reads adds up to the ledger, to the cent, however the
/// generations ended and whatever range is asked for.
@Suite struct SpendRollupTests {
    /// Rollup rows that differ from the ledger grouped the same way, both directions.
    static let mismatches: PostgresQuery = """
        WITH ledger AS (
            SELECT l.team_id, (l.created_at AT TIME ZONE 'UTC')::date AS day, l.campaign_id, l.user_id, g.api_key_id, l.provider,
                   l.account_key, l.model_id, sum(l.amount_usd) AS amount, sum(l.amount_usd) FILTER (WHERE l.is_estimate) AS estimated,
                   count(*) AS n
            FROM spend_ledger l JOIN generations g ON g.id = l.generation_id
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        ), rollup AS (
            SELECT team_id, day, campaign_id, user_id, api_key_id, provider, account_key, model_id, amount_usd AS amount,
                   nullif(estimated_usd, 0) AS estimated, generations AS n
            FROM spend_daily
        )
        SELECT count(*)::int8 FROM ((SELECT * FROM ledger EXCEPT SELECT * FROM rollup) UNION ALL (SELECT * FROM rollup EXCEPT SELECT * FROM ledger)) d
        """

    /// The same for the narrow rollup (a day's total per provider account).
    static let accountMismatches: PostgresQuery = """
        WITH ledger AS (
            SELECT team_id, (created_at AT TIME ZONE 'UTC')::date AS day, provider, account_key, sum(amount_usd) AS amount,
                   coalesce(sum(amount_usd) FILTER (WHERE is_estimate), 0) AS estimated, count(*) AS n
            FROM spend_ledger GROUP BY 1, 2, 3, 4
        ), rollup AS (
            SELECT team_id, day, provider, account_key, amount_usd, estimated_usd, generations FROM spend_daily_accounts
        )
        SELECT count(*)::int8 FROM ((SELECT * FROM ledger EXCEPT SELECT * FROM rollup) UNION ALL (SELECT * FROM rollup EXCEPT SELECT * FROM ledger)) d
        """

    /// The same for the monthly rollup.
    static let monthlyMismatches: PostgresQuery = """
        WITH ledger AS (
            SELECT l.team_id, date_trunc('month', (l.created_at AT TIME ZONE 'UTC')::date)::date AS month, l.campaign_id, l.user_id, g.api_key_id,
                   l.provider, l.account_key, l.model_id, sum(l.amount_usd) AS amount,
                   coalesce(sum(l.amount_usd) FILTER (WHERE l.is_estimate), 0) AS estimated, count(*) AS n
            FROM spend_ledger l JOIN generations g ON g.id = l.generation_id
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        ), rollup AS (
            SELECT team_id, month, campaign_id, user_id, api_key_id, provider, account_key, model_id, amount_usd, estimated_usd, generations
            FROM spend_monthly
        )
        SELECT count(*)::int8 FROM ((SELECT * FROM ledger EXCEPT SELECT * FROM rollup) UNION ALL (SELECT * FROM rollup EXCEPT SELECT * FROM ledger)) d
        """

    @Test func rollupEqualsLedgerAfterFailuresCancelsAndRetries() async throws {
        var options = PipelineHarness.Options()
        options.simulator = SimulatorConfig(latencySeconds: 0.5, retentionSeconds: 3600, failRate: 0.3)
        options.expectedSeconds = 0.5
        try await PipelineHarness.run(options) { h in
            let campaign = try decode(Identified.self, from: try await h.client.call("/api/v1/campaigns", .post, key: h.team.api_key,
                                                                                   json: #"{"name": "Rollup"}"#)).id
            // At least one failure whatever the dice say below: the provider refuses this one.
            await h.simulator.setFaults([], failRate: 1)
            let doomed = try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "doomed take", "duration": 4, "campaign_id": "\#(campaign)"}"#)
            try await h.wait(doomed, for: ["failed"])
            // The next submission is ambiguous (502 after the provider took it): retried by a person.
            await h.simulator.setFaults([FaultRule(route: .submit, fault: .badGateway, count: 1, afterProcessing: true)], failRate: 0.3)
            var ids: [String] = []
            for index in 0..<16 {
                let inCampaign = index % 2 == 0 ? #", "campaign_id": "\#(campaign)""# : ""
                ids.append(try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "take \#(index)", "duration": \#(index % 3 == 0 ? 6 : 4)\#(inCampaign)}"#))
            }
            // Cancels: one likely still queued, one likely with the provider (still billed when it ends).
            _ = try await h.client.call("/api/v1/generations/\(ids[15])/cancel", .post, key: h.team.api_key)
            try await h.wait(ids[1], for: ["submitted", "succeeded", "failed", "submit_unknown"])
            _ = try await h.client.call("/api/v1/generations/\(ids[1])/cancel", .post, key: h.team.api_key)
            let finals: Set<String> = ["succeeded", "failed", "cancelled", "expired", "submit_unknown"]
            for id in ids { try await h.wait(id, for: finals, timeout: .seconds(40)) }
            for id in ids where try await h.generation(id).status.rawValue == "submit_unknown" {
                let retried = try await h.client.call("/api/v1/generations/\(id)/retry", .post, key: h.team.api_key, json: #"{"confirm_double_charge": true}"#)
                #expect(retried.status == .ok)
                try await h.wait(id, for: ["succeeded", "failed", "cancelled", "expired"], timeout: .seconds(40))
            }
            let (mismatches, ledgerRows, failed, total) = try await h.sql { db, logger in
                let mismatches = try await db.query(Self.mismatches, logger: logger).decode(Int.self).firstElement()!
                    + db.query(Self.accountMismatches, logger: logger).decode(Int.self).firstElement()!
                    + db.query(Self.monthlyMismatches, logger: logger).decode(Int.self).firstElement()!
                let counts = try await db.query("""
                    SELECT (SELECT count(*) FROM spend_ledger)::int8, (SELECT count(*) FROM generations WHERE state = 'failed')::int8,
                           (SELECT coalesce(sum(amount_usd), 0) FROM spend_ledger)
                    """, logger: logger).decode((Int, Int, Decimal).self).firstElement()!
                return (mismatches, counts.0, counts.1, counts.2)
            }
            #expect(mismatches == 0)
            #expect(ledgerRows > 0)
            #expect(failed > 0, "the run should include failures")
            // The report over today (partial days at both ends) and over whole days adds up to the ledger.
            let day = Date.ISO8601FormatStyle().year().month().day()
            let today = Date()
            for range in ["since=\(today.addingTimeInterval(-3_600).ISO8601Format())&until=\(today.addingTimeInterval(3_600).ISO8601Format())",
                          "since=\(today.addingTimeInterval(-86_400).formatted(day))&until=\(today.addingTimeInterval(86_400 * 2).formatted(day))"] {
                for group in SpendGrouping.allCases {
                    let report = try decode(SpendReport.self, from: try await h.client.call("/api/v1/spend?group_by=\(group.rawValue)&\(range)", key: h.team.api_key))
                    let reported = NSDecimalNumber(decimal: report.total_usd).doubleValue
                    #expect(abs(reported - NSDecimalNumber(decimal: total).doubleValue) < 0.000_001, "\(group) \(range)")
                    #expect(report.total_generations == ledgerRows)
                }
            }
        }
    }

    @Test func anyRangeReadsTheSameAsTheLedger() async throws {
        let team = try await TestEnv.makeTeam()
        let owner = try await SpendFixtures.owner(of: team.team_id)
        let launch = try await SpendFixtures.campaign(team: team.team_id, name: "Launch")
        let times = ["2025-05-01T00:00:00Z", "2025-05-01T08:15:00Z", "2025-05-01T23:59:59Z", "2025-05-02T00:00:00Z", "2025-05-02T12:00:00Z",
                     "2025-05-03T06:00:00Z", "2025-05-04T18:30:00Z", "2025-05-05T00:00:01Z",
                     // Whole months between: a year's report reads these from the monthly rollup.
                     "2025-06-10T10:00:00Z", "2025-06-30T23:59:59Z", "2025-07-01T00:00:00Z", "2025-07-20T05:00:00Z", "2025-08-31T12:00:00Z"]
        for (index, at) in times.enumerated() {
            try await SpendFixtures.book(team: team.team_id, amount: "0.\(index + 1)5", estimate: index % 3 == 0, at: at,
                                         campaign: index % 2 == 0 ? launch : nil, user: owner,
                                         model: index % 2 == 0 ? "segmind/veo-3" : "segmind/veo-3.1-fast")
        }
        let ranges = [("2025-05-01T00:00:00Z", "2025-05-06T00:00:00Z"), ("2025-05-01T08:00:00Z", "2025-05-04T19:00:00Z"),
                      ("2025-05-01T23:00:00Z", "2025-05-02T06:00:00Z"), ("2025-05-02T00:00:00Z", "2025-05-02T00:00:01Z"),
                      ("2025-04-30T12:00:00Z", "2025-05-05T00:00:01Z"),
                      // Whole months with whole days and partial days on either side.
                      ("2025-04-30T12:00:00Z", "2025-08-01T00:00:01Z"), ("2025-05-02T00:00:00Z", "2025-07-15T00:00:00Z"),
                      ("2025-05-01T00:00:00Z", "2025-07-01T00:00:00Z"), ("2025-06-30T23:00:00Z", "2025-09-01T00:00:00Z")]
        try await TestEnv.withApp { client in
            for (since, until) in ranges {
                let expected = try await TestEnv.withAdmin { db, logger in
                    try await db.query("""
                        SELECT model_id, sum(amount_usd), count(*)::int8 FROM spend_ledger
                        WHERE team_id = \(team.team_id) AND created_at >= \(SpendFixtures.date(since)) AND created_at < \(SpendFixtures.date(until))
                        GROUP BY model_id
                        """, logger: logger).decode((String, Decimal, Int).self).reduce(into: [String: (Double, Int)]()) {
                        $0[$1.0] = (NSDecimalNumber(decimal: $1.1).doubleValue, $1.2)
                    }
                }
                let report = try decode(SpendReport.self, from: try await client.call("/api/v1/spend?group_by=model&since=\(since)&until=\(until)", key: team.api_key))
                let rows = report.rows
                // By day reads the narrow rollup: the same total, and each UTC day as the ledger has it.
                let byDay = try decode(SpendReport.self, from: try await client.call("/api/v1/spend?group_by=day&since=\(since)&until=\(until)", key: team.api_key))
                let days = try await TestEnv.withAdmin { db, logger in
                    try await db.query("""
                        SELECT to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD'), sum(amount_usd), count(*)::int8 FROM spend_ledger
                        WHERE team_id = \(team.team_id) AND created_at >= \(SpendFixtures.date(since)) AND created_at < \(SpendFixtures.date(until))
                        GROUP BY 1 ORDER BY 1
                        """, logger: logger).decode((String, Decimal, Int).self).reduce(into: [String]()) { $0.append("\($1.0) \($1.1) \($1.2)") }
                }
                #expect(byDay.rows.map { "\($0.key) \($0.spent_usd) \($0.generations)" } == days, "\(since)…\(until)")
                #expect(byDay.total_usd == report.total_usd)
                #expect(rows.count == expected.count, "\(since)…\(until): \(rows)")
                for row in rows {
                    let model = row.key
                    #expect(abs(NSDecimalNumber(decimal: row.spent_usd).doubleValue - (expected[model]?.0 ?? 0)) < 0.000_001, "\(since)…\(until) \(model)")
                    #expect(row.generations == expected[model]?.1, "\(since)…\(until) \(model)")
                }
            }
        }
    }
}
