import Foundation
import HummingbirdTesting
import Logging
import PostgresNIO
import ProviderSimulator
import Testing
@testable import Reelbase

@Suite struct PipelineFailureTests {
    @Test func rateLimitPausesTheAccountUntilTheResetTime() async throws {
        try await PipelineHarness.run { h in
            await h.simulator.setFaults([FaultRule(route: .submit, fault: .rateLimited, count: 1, resetAfterSeconds: 2)])
            let id = try await h.generate()
            let done = try await h.wait(id, for: ["succeeded", "failed"], timeout: .seconds(20))
            #expect(done.status == .succeeded)
            #expect(done.attempt == 1, "a rate limit must not use up attempts")
            let attempts = try #require(done.attempts)
            #expect(attempts.contains { $0.outcome == "rate_limited" })
            let accepted = try #require(attempts.first { $0.outcome == "accepted" })
            let acceptedAt = accepted.at
            // The reset time the provider announced in x-rate-limit-reset-at-utc, as the pause recorded it.
            let resetAt = try await h.sql { db, logger in
                try await db.query("SELECT paused_until FROM provider_pauses", logger: logger).decode(Date.self).firstElement()!
            }
            #expect(acceptedAt >= resetAt, "resubmitted at \(acceptedAt), before the reset time \(resetAt)")
            #expect(await h.simulator.stats().submits == 2)
        }
    }

    @Test func notEnoughCreditsPausesTheAccountRaisesAnAlertAndKeepsAttempts() async throws {
        try await PipelineHarness.run { h in
            await h.simulator.setFaults([FaultRule(route: .submit, fault: .notEnoughCredits)])
            let first = try await h.generate()
            let second = try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "a second kite", "duration": 6}"#)
            // Until the refusal has paused the account and handed both jobs back (bounded: a busy
            // machine may take longer than the 2 s this needs when idle).
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                var back = true
                for id in [first, second] {
                    let generation = try await h.generation(id)
                    back = back && generation.status == .queued && generation.attempt == 0
                }
                let paused = try await h.sql { db, logger in
                    try await db.query("SELECT count(*) FROM provider_pauses WHERE paused_until = 'infinity'", logger: logger)
                        .decode(Int.self).firstElement()!
                }
                if back && paused == 1 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            let submitsWhilePaused = await h.simulator.stats().submits
            try await Task.sleep(for: .seconds(1))
            #expect(await h.simulator.stats().submits == submitsWhilePaused, "a paused account must not be called")
            #expect(submitsWhilePaused <= 2)
            for id in [first, second] {
                let generation = try await h.generation(id)
                #expect(generation.status == .queued)
                #expect(generation.attempt == 0)
            }
            let (alerts, pausedForever) = try await h.sql { db, logger in
                let rows = try await db.query("""
                    SELECT (SELECT count(*) FROM alerts WHERE kind = 'insufficient_credits' AND resolved_at IS NULL),
                           (SELECT count(*) FROM provider_pauses WHERE paused_until = 'infinity')
                    """, logger: logger)
                return try await rows.decode((Int, Int).self).firstElement()!
            }
            #expect(alerts == 1)
            #expect(pausedForever == 1)
        }
    }

    @Test func aFailedGenerationCostsNothingAndReleasesItsReservation() async throws {
        try await PipelineHarness.run { h in
            await h.simulator.setFaults([], failRate: 1)
            let id = try await h.generate()
            let done = try await h.wait(id, for: ["succeeded", "failed"])
            #expect(done.status == .failed)
            #expect(done.cost_usd == 0)
            #expect(done.error?.kind == "failed")
            let (reserved, spent, ledger) = try await h.sql { db, logger in
                try await db.query("SELECT reserved_usd, spent_usd, (SELECT count(*) FROM spend_ledger) FROM teams", logger: logger)
                    .decode((Decimal, Decimal, Int).self).firstElement()!
            }
            #expect(reserved == 0)
            #expect(spent == 0)
            #expect(ledger == 0)
        }
    }

    @Test func aResultGoneAfterRetentionExpiresTheGeneration() async throws {
        var options = PipelineHarness.Options()
        options.simulator = SimulatorConfig(latencySeconds: 0.2, retentionSeconds: 1)
        options.expectedSeconds = 3  // first look after the provider has forgotten it
        try await PipelineHarness.run(options) { h in
            let id = try await h.generate()
            let done = try await h.wait(id, for: ["succeeded", "expired", "failed"], timeout: .seconds(15))
            #expect(done.status == .expired)
            #expect(done.cost_is_estimate == true)
        }
    }

    @Test func anAmbiguousSubmitIsNeverResubmittedWithoutAPerson() async throws {
        try await PipelineHarness.run { h in
            await h.simulator.setFaults([FaultRule(route: .submit, fault: .badGateway, count: 1, afterProcessing: true)])
            let id = try await h.generate()
            let unknown = try await h.wait(id, for: ["submit_unknown", "succeeded", "failed"])
            #expect(unknown.status == .submitUnknown)
            try await Task.sleep(for: .seconds(1))
            #expect(await h.simulator.stats().submits == 1)

            let unconfirmed = try await h.client.call("/api/v1/generations/\(id)/retry", .post, key: h.team.api_key, json: "{}")
            #expect(unconfirmed.status == .conflict)
            #expect(unconfirmed.text.contains("billed"))
            let retried = try await h.client.call("/api/v1/generations/\(id)/retry", .post, key: h.team.api_key, json: #"{"confirm_double_charge": true}"#)
            #expect(retried.status == .ok)
            let done = try await h.wait(id, for: ["succeeded", "failed"])
            #expect(done.status == .succeeded)
            #expect(await h.simulator.stats().submits == 2)
            #expect(try await h.client.auditRows("action=generation.retried", key: h.team.api_key).count == 1)
        }
    }
}
