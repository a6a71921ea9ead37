import Foundation
import PostgresNIO
import ProviderSimulator
import Testing

@testable import Reelbase

/// The `resolve_submit_unknown` sweep, run by the app's own job worker: nobody calls the
/// resolver. The worker's POST is answered with a 502 after the provider took it (the same as a
/// worker killed mid-POST: the request is on the provider's books, the answer is lost).
@Suite struct SubmitUnknownSweepTests {
    /// A sweep every second, a short settle time, a history without lag.
    static func fastSweep(provider: String = "segmind", settle: Int = 1, historyLag: Int = 0) -> PipelineHarness.Options {
        var options = PipelineHarness.Options()
        options.provider = provider
        options.configure = { config in
            config.submitUnknownSettleSeconds = settle
            config.submitUnknownSweepEvery = .seconds(1)
            config.segmindHistoryLagSeconds = historyLag
            config.jobs.scheduleEvery = .milliseconds(200)
            config.jobs.idlePoll = .milliseconds(100)
        }
        return options
    }

    func audited(_ h: PipelineHarness, _ action: String) async throws -> [AuditEntry] {
        try await h.client.auditRows("action=\(action)", key: h.team.api_key)
    }

    /// Sweeps that finished after `since`.
    func sweeps(_ h: PipelineHarness, since: Date) async throws -> Int {
        try await h.sql { db, logger in
            try await db.query("""
                SELECT count(*)::int FROM jobs WHERE kind = \(ResolveSubmitUnknown.kind) AND state = \(JobState.succeeded) AND finished_at > \(since)
                """, logger: logger).decode(Int.self).firstElement() ?? 0
        }
    }

    func waitForSweeps(_ h: PipelineHarness, _ count: Int, since: Date) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await sweeps(h, since: since) < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(try await sweeps(h, since: since) >= count, "the sweep did not run \(count) times")
    }

    @Test func theSweepAdoptsAnAmbiguousSubmitAndTheJobCompletesWithoutASecondPost() async throws {
        try await PipelineHarness.run(Self.fastSweep(settle: 2)) { h in
            await h.simulator.setFaults([SubmitUnknownResolverTests.acceptedThen502])
            let id = try await h.generate()
            let unknown = try await h.wait(id, for: ["submit_unknown", "succeeded"])
            #expect(unknown.status == .submitUnknown, "the settle time keeps it untouched for a while")
            let done = try await h.wait(id, for: ["succeeded"], timeout: .seconds(30))
            let requestID = try #require(done.provider_request_id)
            #expect((done.cost_usd ?? 0) > 0 && done.cost_is_estimate == false)
            #expect(done.video?.sha256 != nil)
            let stats = await h.simulator.stats()
            #expect(stats.submits == 1 && stats.maxPerBody == 1)
            let adoption = try #require(try await audited(h, "generation.submit_adopted").first)
            #expect(adoption.details["matched"]?.string == requestID)
            #expect(try await sweeps(h, since: .distantPast) >= 1)
        }
    }

    @Test func aJobTheHistoryCannotSettleYetIsLookedAtAgainOnlyWhenTheResolverSaid() async throws {
        // The 502 came before the provider saw the POST; with a 10-minute lag nothing is settled yet.
        try await PipelineHarness.run(Self.fastSweep(settle: 0, historyLag: 600)) { h in
            await h.simulator.setFaults([SubmitUnknownResolverTests.lost502])
            let id = try await h.generate()
            try await h.wait(id, for: ["submit_unknown"])
            let uuid = UUID(uuidString: id)!
            let deadline = ContinuousClock.now + .seconds(20)
            var planned: (next: Date, posted: Date)?
            while ContinuousClock.now < deadline {
                planned = try await h.sql { db, logger in
                    try await db.query("SELECT next_attempt_at, post_started_at FROM generations WHERE id = \(uuid) AND next_attempt_at > now()",
                                       logger: logger).decode((Date, Date).self).firstElement()
                }
                if planned != nil { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            let (next, posted) = try #require(planned, "the sweep never planned a later look")
            // The window (30 s submit deadline + 120 s clock skew) plus the 600 s lag.
            #expect(abs(next.timeIntervalSince(posted) - 750) < 1)
            let since = Date()
            try await waitForSweeps(h, 3, since: since)
            #expect(try await h.generation(id).status.rawValue == "submit_unknown")
            #expect(try await audited(h, "generation.submit_requeued").isEmpty)
            #expect(await h.simulator.stats().accepted == 0)
        }
    }

    @Test func aimlJobsInSubmitUnknownAreLeftForAPerson() async throws {
        try await PipelineHarness.run(Self.fastSweep(provider: "aimlapi", settle: 0)) { h in
            await h.simulator.setFaults([SubmitUnknownResolverTests.acceptedThen502])
            let id = try await h.generate(#"{"model": "veo-3.1-lite", "provider": "aimlapi", "prompt": "a red kite over the sea", "duration": 4}"#)
            let before = try await h.wait(id, for: ["submit_unknown"])
            let since = Date()
            try await waitForSweeps(h, 3, since: since)
            let after = try await h.generation(id)
            #expect(after.status == .submitUnknown)
            #expect(after.error?.kind == before.error?.kind)
            #expect(try await audited(h, "generation.submit_adopted").isEmpty)
            #expect(try await audited(h, "generation.submit_needs_person").isEmpty)
            #expect(await h.simulator.stats().submits == 1)
        }
    }
}
