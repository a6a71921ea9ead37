import AsyncHTTPClient
import Foundation
import ProviderSimulator
import ReelbaseCore
import Testing

@testable import Reelbase

/// `submit_unknown` settled from the provider's own books, through the whole pipeline: the
/// worker's POST is answered with a 502 (after or instead of the provider taking it), then the
/// resolver reads the simulator's history.
@Suite struct SubmitUnknownResolverTests {
    /// The POST got through and will be billed, but the answer was a gateway's 502.
    static let acceptedThen502 = FaultRule(route: .submit, fault: .badGateway, count: 1, afterProcessing: true)
    /// The gateway answered 502 and the provider never saw the POST.
    static let lost502 = FaultRule(route: .submit, fault: .badGateway, count: 1)

    /// Resolves `id` with a resolver built like the service would build it.
    /// The window reaches 30 s past the POST; the history (lag 0 in the simulator) is taken as settled at once.
    static let quick = MatchPolicy(historyLag: 0, submitTimeout: 30, clockSkew: 5)
    /// A window that has already settled: nothing more can appear in it.
    static let settled = MatchPolicy(historyLag: 0, submitTimeout: 0, clockSkew: 0)

    func resolve(_ h: PipelineHarness, _ id: String, policy: MatchPolicy = Self.quick) async throws -> SubmitUnknownResolver.Outcome {
        let config = h.config
        let historyURL = h.simulator.historyURL
        return try await h.sql { db, logger in
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let secrets = SecretBox(key: config.secretKey)
            let audit = AuditRepository(db: db, secrets: secrets, logger: logger)
            let resolver = SubmitUnknownResolver(
                db: db, audit: audit,
                accounts: ProviderAccountRepository(db: db, audit: audit, secrets: secrets, defaults: config.defaultAccounts, logger: logger),
                catalog: .standard(aimlModelID: config.aimlModelID), http: http, historyURL: historyURL, policy: policy, logger: logger)
            do {
                let outcome = try await resolver.resolve(generation: UUID(uuidString: id)!)
                try await http.shutdown()
                return outcome
            } catch {
                try? await http.shutdown()
                throw error
            }
        }
    }

    func audited(_ h: PipelineHarness, _ action: String) async throws -> [AuditEntry] {
        try await h.client.auditRows("action=\(action)", key: h.team.api_key)
    }

    @Test func aMatchedRequestIsAdoptedThenCompletesAndIsArchivedWithoutASecondPost() async throws {
        try await PipelineHarness.run { h in
            await h.simulator.setFaults([Self.acceptedThen502])
            let id = try await h.generate()
            try await h.wait(id, for: ["submit_unknown"])
            let outcome = try await resolve(h, id)
            guard case .adopted(let requestID) = outcome else {
                Issue.record("expected adoption, got \(outcome)")
                return
            }
            let done = try await h.wait(id, for: ["succeeded"])
            #expect(done.provider_request_id == requestID)
            #expect((done.cost_usd ?? 0) > 0 && done.cost_is_estimate == false)
            #expect(done.video?.sha256 != nil)
            let stats = await h.simulator.stats()
            #expect(stats.submits == 1 && stats.maxPerBody == 1)
            let adoption = try #require(try await audited(h, "generation.submit_adopted").first)
            let details = adoption.details
            #expect(details["matched"]?.string == requestID)
            #expect(details["candidates"]?.array?.first?["request_id"]?.string == requestID)
            // Settled once: a second call finds nothing to do.
            #expect(try await resolve(h, id) == .notApplicable(reason: "not submit_unknown, already has a request id, or being settled elsewhere"))
        }
    }

    @Test func noMatchIsRequeuedOnlyOnceTheWindowIsPastTheLag() async throws {
        try await PipelineHarness.run { h in
            await h.simulator.setFaults([Self.lost502])
            let id = try await h.generate()
            try await h.wait(id, for: ["submit_unknown"])
            let early = try await resolve(h, id, policy: MatchPolicy(historyLag: 3600, submitTimeout: 30, clockSkew: 5))
            guard case .lookAgain = early else {
                Issue.record("expected to look again later, got \(early)")
                return
            }
            #expect(try await h.generation(id).status.rawValue == "submit_unknown")
            #expect(try await resolve(h, id, policy: Self.settled) == .requeued)
            let done = try await h.wait(id, for: ["succeeded"])
            #expect((done.cost_usd ?? 0) > 0)
            #expect(await h.simulator.stats().accepted == 1)  // billed once: the first POST never arrived
            let requeue = try #require(try await audited(h, "generation.submit_requeued").first)
            #expect(requeue.details["window_start"]?.string != nil)
        }
    }

    @Test func twoIdenticalBodiesStayForAPersonWithBothCandidates() async throws {
        try await PipelineHarness.run { h in
            await h.simulator.setFaults([FaultRule(route: .submit, fault: .badGateway, count: 2, afterProcessing: true)])
            let first = try await h.generate()
            let second = try await h.generate()
            try await h.wait(first, for: ["submit_unknown"])
            try await h.wait(second, for: ["submit_unknown"])
            guard case .needsPerson(let reason) = try await resolve(h, first) else {
                Issue.record("identical bodies cannot be told apart")
                return
            }
            #expect(reason.contains("2 requests"))
            let job = try await h.generation(first)
            #expect(job.status == .submitUnknown)
            #expect(job.error?.message == reason)
            let evidence = try #require(try await audited(h, "generation.submit_needs_person").first)
            #expect(evidence.details["candidates"]?.array?.count == 2)
            // Asking again with nothing new adds no second audit row.
            _ = try await resolve(h, first)
            #expect(try await audited(h, "generation.submit_needs_person").count == 1)
        }
    }

    @Test func anUnreachableHistoryKeepsTheJobForAPerson() async throws {
        try await PipelineHarness.run { h in
            await h.simulator.setFaults([Self.acceptedThen502, FaultRule(route: .history, fault: .badGateway)])
            let id = try await h.generate()
            try await h.wait(id, for: ["submit_unknown"])
            guard case .needsPerson(let reason) = try await resolve(h, id) else {
                Issue.record("an unreadable history must not settle anything")
                return
            }
            #expect(reason.contains("could not be read"))
            #expect(try await h.generation(id).status.rawValue == "submit_unknown")
            #expect(await h.simulator.stats().submits == 1)
        }
    }

    @Test func theBodySentIsStoredWhenThePostLeaves() async throws {
        try await PipelineHarness.run { h in
            let id = try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "a stored body", "duration": 4, "seed": 9}"#)
            try await h.wait(id, for: ["succeeded"])
            let (body, posted) = try await h.sql { db, logger in
                try await db.query("SELECT sent_request_body::text, post_started_at FROM generations WHERE id = \(UUID(uuidString: id)!)", logger: logger)
                    .decode((String?, Date?).self).firstElement()!
            }
            let sent = try #require(body.flatMap { SentRequestBody(sentJSON: Data($0.utf8)) })
            #expect(sent.fields["prompt"] == "a stored body" && sent.fields["seed"] == 9 && sent.fields["duration"] == 4)
            #expect(posted != nil)
        }
    }
}
