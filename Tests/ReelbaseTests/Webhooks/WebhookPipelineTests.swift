import Foundation
import Logging
import PostgresNIO
import ProviderSimulator
import Testing
@testable import Reelbase

/// Events produced where they happen: the worker's outcome paths and the spend booking, with
/// the real worker and the provider simulator, delivered to a receiver that checks signatures.
@Suite struct WebhookPipelineTests {
    struct Envelope: Decodable {
        let type: String
        let timestamp: Date
        let data: Fields
    }
    /// The fields the test reads from every event type's `data`.
    struct Fields: Decodable {
        let generation_id: UUID?
        let state: String?
        let cost_usd: Decimal?
        let video: Video?
        let error: Failure?
        let scope: String?
        let threshold_percent: Int?
        let budget_usd: Decimal?
        let spent_usd: Decimal?
        let kind: String?
    }
    struct Video: Decodable { let sha256: String; let size: Int64; let url: String }
    struct Failure: Decodable { let kind: String; let message: String }

    @Test func outcomesAndBudgetCrossingsArriveSignedOncePerCrossing() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await PipelineHarness.run(receiver.allowedBy(PipelineHarness.Options())) { h in
            let created = try await h.client.call("/api/v1/webhook-endpoints", .post, key: h.team.api_key,
                                                  json: #"{"url": "\#(receiver.url)", "events": \#(WebhookEventType.names)}"#)
            #expect(created.status == .created, "\(created.text)")
            let secret = try JSONDecoder.api.decode(CreatedWebhookEndpoint.self, from: Data(buffer: created.body)).secret

            // $0.60 a take: the 4th crosses 80 % of $3.00, the 5th 100 %.
            #expect(try await h.client.call("/api/v1/team", .patch, key: h.team.api_key, json: #"{"budget_usd": 3}"#).status == .ok)
            for _ in 1...5 {
                let id = try await h.generate()
                #expect(try await h.wait(id, for: ["succeeded", "failed"]).status == .succeeded)
            }
            // More room: no booking crosses a line again, so no further threshold event.
            #expect(try await h.client.call("/api/v1/team", .patch, key: h.team.api_key, json: #"{"budget_usd": 100}"#).status == .ok)
            let more = try await h.generate()
            try await h.wait(more, for: ["succeeded"])

            await h.simulator.setFaults([], failRate: 1)
            let failed = try await h.generate()
            try await h.wait(failed, for: ["failed"])
            await h.simulator.setFaults([FaultRule(route: .submit, fault: .badGateway, count: 1, afterProcessing: true)])
            let unknown = try await h.generate()
            try await h.wait(unknown, for: ["submit_unknown"])
            await h.simulator.setFaults([FaultRule(route: .submit, fault: .notEnoughCredits)])
            _ = try await h.generate()

            // 6 succeeded + 2 thresholds + failed + submit_unknown + alert.
            let deadline = ContinuousClock.now + .seconds(30)
            while receiver.received.count < 11, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            try await Task.sleep(for: .milliseconds(500))  // nothing extra trickles in
            let requests = receiver.received
            let verifier = StandardWebhooksVerifier(secret: secret)
            for request in requests {
                #expect(throws: Never.self) { try verifier.verify(headers: request.headers, body: request.body, now: Date()) }
            }
            let events = try requests.map { try JSONDecoder.api.decode(Envelope.self, from: Data($0.body.utf8)) }
            let types = events.map(\.type)
            #expect(types.filter { $0 == "generation.succeeded" }.count == 6, "\(types)")
            #expect(types.filter { $0 == "generation.failed" }.count == 1, "\(types)")
            #expect(types.filter { $0 == "generation.submit_unknown" }.count == 1, "\(types)")
            #expect(types.filter { $0 == "alert.raised" }.count == 1, "\(types)")
            let thresholds = events.filter { $0.type == "budget.threshold" }
            #expect(thresholds.map { $0.data.threshold_percent ?? 0 }.sorted() == [80, 100], "once per crossing")
            #expect(thresholds.allSatisfy { $0.data.scope == "team" && $0.data.budget_usd == 3 })
            #expect(thresholds.first { $0.data.threshold_percent == 100 }?.data.spent_usd == 3)
            #expect(Set(requests.compactMap { $0.headers["webhook-id"] }).count == requests.count, "one id per event")

            let success = try #require(events.first { $0.type == "generation.succeeded" })
            #expect(success.data.state == "succeeded")
            #expect(success.data.cost_usd == Decimal(string: "0.6"))
            #expect(success.data.video?.url.hasPrefix("/api/v1/generations/") == true)
            #expect(events.first { $0.type == "generation.failed" }?.data.generation_id == UUID(uuidString: failed))
            #expect(events.first { $0.type == "generation.submit_unknown" }?.data.error != nil)
            #expect(events.first { $0.type == "alert.raised" }?.data.kind == "insufficient_credits")
        }
    }

    /// The rescuer's move to `submit_unknown` (a worker died after its POST may have left) is an
    /// outcome too: it enters the outbox in the rescuer's transaction.
    @Test func theRescuersSubmitUnknownIsAnEvent() async throws {
        var options = PipelineHarness.Options()
        options.workerRunning = false
        try await PipelineHarness.run(options) { h in
            let created = try await h.client.call("/api/v1/webhook-endpoints", .post, key: h.team.api_key,
                                                  json: #"{"url": "https://93.184.216.34/hooks", "events": ["generation.submit_unknown"]}"#)
            let endpoint = try JSONDecoder.api.decode(CreatedWebhookEndpoint.self, from: Data(buffer: created.body)).endpoint
            let id = try await h.generate()
            try await h.sql { db, logger in
                let queue = WorkQueue(db: db, settings: h.config.worker, logger: logger)
                let job = try #require(try await queue.claimSubmission())
                #expect(try await queue.markPosting(job))
                try await db.query("UPDATE generations SET lease_expires_at = now() - interval '1 second'", logger: logger)
                let jobs = JobQueue(db: db, settings: h.config.jobs, clock: SystemClock(), logger: logger)
                _ = try await queue.rescue(audit: AuditRepository(db: db, secrets: SecretBox(key: h.config.secretKey), logger: logger),
                                           webhooks: WebhookOutbox(jobs: jobs, logger: logger))
            }
            let log = try await h.client.call("/api/v1/webhook-endpoints/\(endpoint.id)/deliveries", key: h.team.api_key)
            let deliveries = try JSONDecoder.api.decode(PageBody<WebhookDelivery>.self, from: Data(buffer: log.body)).data
            #expect(deliveries.map(\.event_type) == ["generation.submit_unknown"])
            #expect(deliveries.first?.status == "pending", "queued for the job worker")
            let body = try await h.sql { db, logger in
                try await db.query("SELECT body FROM webhook_events", logger: logger).decode(String.self).firstElement()
            }
            let event = try JSONDecoder.api.decode(Envelope.self, from: Data(try #require(body).utf8))
            #expect(event.data.generation_id == UUID(uuidString: id))
            #expect(event.data.error?.kind == "ambiguous")
        }
    }
}
