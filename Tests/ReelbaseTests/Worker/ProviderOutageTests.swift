import Foundation
import PostgresNIO
import ProviderSimulator
import Testing
@testable import Reelbase

/// A provider nothing can reach pauses the account; the jobs keep their attempts, so an outage
/// longer than the retry budget only delays them.
@Suite struct ProviderOutageTests {
    @Test func jobsOutliveAnOutageLongerThanTheirAttemptsAndSucceedAfterIt() async throws {
        // A port that was just listening and now refuses connections.
        let gone = try await ProviderSimulator.start(SimulatorConfig())
        let port = gone.port
        await gone.shutdown()
        var options = PipelineHarness.Options()
        options.baseURL = "http://127.0.0.1:\(port)"
        try await PipelineHarness.run(options) { h in
            let ids = [try await h.generate(), try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "a second kite", "duration": 6}"#)]
            // Two attempts each: a budget the outage below uses up several times over.
            try await h.sql { db, logger in
                try await db.query("UPDATE generations SET max_attempts = 2", logger: logger)
            }
            // Wait until each has been refused more often than its attempts allow (bounded).
            let deadline = ContinuousClock.now + .seconds(30)
            var refusals: [Int] = []
            repeat {
                try await Task.sleep(for: .milliseconds(200))
                refusals = try await h.sql { db, logger in
                    try await db.query("""
                        SELECT count(a.generation_id)::int FROM generations g
                        LEFT JOIN generation_attempts a ON a.generation_id = g.id AND a.outcome = 'unreachable'
                        GROUP BY g.id
                        """, logger: logger).decode(Int.self).reduce(into: []) { $0.append($1) }
                }
            } while refusals.contains(where: { $0 <= 2 }) && ContinuousClock.now < deadline
            #expect(refusals.count == 2 && refusals.allSatisfy { $0 > 2 }, "refusals per take: \(refusals)")
            let paused = try await h.sql { db, logger in
                try await db.query("SELECT count(*)::int FROM provider_pauses WHERE reason = 'unreachable'", logger: logger).decode(Int.self).firstElement()
            }
            #expect(paused == 1, "the account is paused, not every job retried on its own")
            for id in ids {
                let generation = try await h.generation(id)
                #expect([.queued, .submitting].contains(generation.status), "\(generation.status) \(String(describing: generation.error))")
                #expect(generation.attempt <= 1)
            }

            // The provider is back on the same address: both finish, within their two attempts.
            let back = try await ProviderSimulator.start(SimulatorConfig(port: port, latencySeconds: 0.3))
            var finished: [Generation] = []
            do {
                for id in ids { finished.append(try await h.wait(id, for: ["succeeded", "failed", "submit_unknown"], timeout: .seconds(30))) }
            } catch {
                await back.shutdown()
                throw error
            }
            await back.shutdown()
            for done in finished {
                #expect(done.status == .succeeded, "\(String(describing: done.error))")
                #expect(done.attempt == 1)
            }
        }
    }

    /// The pause doubles while the outage lasts, up to the cap, and starts small again after one.
    @Test func thePauseDoublesUpToTheCapAndAFailureDuringItDoesNotLengthenIt() async throws {
        try await JobTestBed.run { bed in
            let team = try await TestEnv.makeTeam("Outage", config: bed.services.config)
            let s = bed.services
            let outcomes = JobOutcomes(db: s.db, audit: s.audit, credits: s.credits, jobs: s.jobs, webhooks: s.webhookOutbox, logger: TestEnv.logger)
            let backoff = UnreachableBackoff(base: 2, cap: 60)
            let account = "segmind:outage-\(UUID())"
            var now = Date()
            var pauses: [Double] = []
            for _ in 0..<7 {
                let until = try await outcomes.pauseUnreachable(accountKey: account, team: team.team_id, backoff: backoff, now: now, random: 1)
                // Another job of the same account failing meanwhile leaves the pause as it is.
                let again = try await outcomes.pauseUnreachable(accountKey: account, team: team.team_id, backoff: backoff,
                                                                now: now.addingTimeInterval(0.5), random: 1)
                #expect(abs(again.timeIntervalSince(until)) < 0.001)
                pauses.append((until.timeIntervalSince(now) * 1000).rounded() / 1000)
                now = until.addingTimeInterval(1)  // the next probe, a second after the pause ended
            }
            #expect(pauses == [2, 4, 8, 16, 32, 60, 60])
            let jittered = try await outcomes.pauseUnreachable(accountKey: account, team: team.team_id, backoff: backoff, now: now, random: 0.75)
            #expect(abs(jittered.timeIntervalSince(now) - 45) < 0.001)

            // Reachable again for longer than the cap: the next outage starts from the base.
            now = jittered.addingTimeInterval(120)
            let fresh = try await outcomes.pauseUnreachable(accountKey: account, team: team.team_id, backoff: backoff, now: now, random: 1)
            #expect(abs(fresh.timeIntervalSince(now) - 2) < 0.001)
            #expect(try await bed.count("""
                SELECT count(*)::int FROM audit_log WHERE action = 'provider_account.paused' AND target_id = \(account)
                """) == 2, "audited once per outage, not once per probe")
        }
    }
}
