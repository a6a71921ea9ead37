import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PostgresNIO
import ProviderSimulator
import ReelbaseCore
import Testing
@testable import Reelbase

/// The system's own changes of money and state leave audit rows (actor `system`), and a
/// provider-reported cost far from the estimate is flagged instead of booked.
@Suite struct SystemAuditTests {
    static func audit(_ h: PipelineHarness, action: String) async throws -> [AuditEntry] {
        try await h.client.auditRows("action=\(action)", key: h.team.api_key)
    }

    @Test func theRescuersMovesAreAudited() async throws {
        var options = PipelineHarness.Options()
        options.workerRunning = false
        try await PipelineHarness.run(options) { h in
            let notSent = try await h.generate()
            let maybeSent = try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "another kite", "duration": 4}"#)
            let logger = Logger(label: "rescue-audit")
            try await h.sql { db, _ in
                let queue = WorkQueue(db: db, settings: h.config.worker, logger: logger)
                let first = try #require(try await queue.claimSubmission())
                let second = try #require(try await queue.claimSubmission())
                #expect(try await queue.markPosting(first.id == UUID(uuidString: maybeSent) ? first : second))
                try await db.query("UPDATE generations SET lease_expires_at = now() - interval '1 second'", logger: logger)
                _ = try await queue.rescue(audit: AuditRepository(db: db, secrets: SecretBox(key: h.config.secretKey), logger: logger))
            }
            #expect(try await h.generation(maybeSent).status == .submitUnknown)
            let unknown = try await Self.audit(h, action: "generation.submit_unknown")
            #expect(unknown.count == 1)
            #expect(unknown.first?.actor_type == "system")
            #expect(unknown.first?.target_id?.lowercased() == maybeSent.lowercased())
            let requeued = try await Self.audit(h, action: "generation.requeued")
            #expect(requeued.map { $0.target_id?.lowercased() } == [notSent.lowercased()])
            #expect(requeued.first?.actor_type == "system")
            #expect(try decode(AuditRepository.Verification.self, from: try await h.client.call("/api/v1/audit/verify", key: h.team.api_key)).ok == true)
        }
    }

    @Test func anAccountPauseAndItsAlertAreAudited() async throws {
        try await PipelineHarness.run { h in
            await h.simulator.setFaults([FaultRule(route: .submit, fault: .notEnoughCredits)])
            let id = try await h.generate()
            let deadline = ContinuousClock.now + .seconds(15)
            // Pause, alert and requeue are three commits: wait for the last.
            while try await Self.audit(h, action: "generation.requeued").isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            let alert = try await Self.audit(h, action: "alert.raised")
            #expect(alert.count == 1)
            #expect(alert.first?.actor_type == "system")
            #expect(alert.first?.details["kind"]?.string == "insufficient_credits")
            let paused = try await Self.audit(h, action: "provider_account.paused")
            #expect(paused.first?.actor_type == "system")
            #expect(paused.first?.target_id?.lowercased() == h.accountID.lowercased())
            #expect(paused.first?.details["reason"]?.string == "insufficient_credits")
            let requeued = try await Self.audit(h, action: "generation.requeued")
            #expect(requeued.contains { $0.target_id?.lowercased() == id.lowercased() })
        }
    }

    @Test func aReportedCostOf50TimesTheEstimateIsFlaggedNotBooked() async throws {
        var options = PipelineHarness.Options()
        let dear = PriceTable(rows: PriceTable.published.rows.map { row in
            var row = row
            row.usd *= 50
            return row
        })
        options.simulator = SimulatorConfig(latencySeconds: 0.3, retentionSeconds: 3600, balance: 1000, priceTable: dear)
        try await PipelineHarness.run(options) { h in
            let id = try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "a dear kite", "duration": 4, "generate_audio": false}"#)
            let done = try await h.wait(id, for: ["succeeded", "failed"])
            #expect(done.status == .succeeded)
            #expect(done.estimated_cost_usd == 0.4)
            #expect(done.reported_cost_usd == 20)
            #expect(done.cost_flag == "out_of_range")
            #expect(done.cost_usd == 0.4)
            #expect(done.cost_is_estimate == true)
            let (spent, flagged) = try await h.sql { db, logger in
                try await db.query("SELECT spent_usd, (SELECT count(*) FROM spend_ledger WHERE cost_flag = 'out_of_range')::int FROM teams", logger: logger)
                    .decode((Decimal, Int).self).firstElement()!
            }
            #expect(spent == Decimal(string: "0.4")!)
            #expect(flagged == 1)
            let alerts = try await h.client.rows(Alert.self, "/api/v1/alerts", key: h.team.api_key)
            #expect(alerts.contains { $0.kind == "cost_out_of_range" })
            let succeeded = try await Self.audit(h, action: "generation.succeeded")
            #expect(succeeded.first?.details["cost_flag"]?.string == "out_of_range")
        }
    }

    @Test func aPlausibleReportedCostIsBookedAsReported() {
        let charge = SpendLedger.Charge(reported: Decimal(string: "0.55")!, estimate: Decimal(string: "0.4")!)
        #expect(charge.amount == Decimal(string: "0.55")! && !charge.isEstimate && charge.flag == nil)
        for wild in ["-0.01", "4.000001", "20"] {
            let flagged = SpendLedger.Charge(reported: Decimal(string: wild)!, estimate: Decimal(string: "0.4")!)
            #expect(flagged.amount == Decimal(string: "0.4")! && flagged.isEstimate && flagged.flag == "out_of_range", "\(wild)")
        }
        #expect(SpendLedger.Charge(reported: 4, estimate: Decimal(string: "0.4")!).flag == nil)
    }
}
