import Foundation
import PostgresNIO
import Synchronization
import Testing
@testable import Reelbase

/// Signed deliveries from the job queue: every request verifies under the Standard Webhooks
/// rules, retries follow the schedule on a clock the test moves, and the event keeps its id.
@Suite struct WebhookDeliveryTests {
    /// A receiver that fails five times, then recovers: six signed attempts of one event (one
    /// id, one body), the event acknowledged exactly once, and nothing more sent afterwards.
    @Test func aReceiverThatFailsFiveTimesGetsTheEventAcknowledgedOnce() async throws {
        try await WebhookTestBed.run(reply: { $0 < 5 ? 503 : 200 }) { bed in
            let created = try await bed.createEndpoint(events: ["alert.raised"])
            let verifier = StandardWebhooksVerifier(secret: created.secret)
            try await bed.raiseAlert()

            let schedule = WebhookRetrySchedule()
            for attempt in 1...6 {
                #expect(try await bed.runDueJobs() == 1, "attempt \(attempt) runs once it is due")
                #expect(bed.receiver.received.count == attempt)
                #expect(try await bed.runDueJobs() == 0, "the next attempt waits for its time")
                if let delay = schedule.delay(afterAttempt: attempt, random: 1) {
                    bed.clock.advance(by: delay * 0.74)
                    #expect(try await bed.runDueJobs() == 0, "not before 75 % of the delay")
                    bed.clock.advance(by: delay * 0.26 + 0.001)
                }
            }
            let requests = bed.receiver.received
            #expect(requests.map(\.status) == [503, 503, 503, 503, 503, 200])
            #expect(requests.filter { $0.status == 200 }.count == 1, "acknowledged exactly once")
            #expect(Set(requests.compactMap { $0.headers["webhook-id"] }).count == 1, "the same event id on every retry")
            #expect(Set(requests.map(\.body)).count == 1, "the same bytes on every retry")
            for request in requests {
                let sentAt = Date(timeIntervalSince1970: TimeInterval(Int(request.headers["webhook-timestamp"] ?? "") ?? 0))
                #expect(throws: Never.self) { try verifier.verify(headers: request.headers, body: request.body, now: sentAt) }
                #expect(request.headers["content-type"] == "application/json")
            }
            // A tampered body or another secret fails the same check, so passing it means something.
            let first = try #require(requests.first)
            let firstSentAt = Date(timeIntervalSince1970: TimeInterval(Int(first.headers["webhook-timestamp"] ?? "") ?? 0))
            #expect(throws: StandardWebhooksVerifier.Failure.noMatchingSignature) {
                try verifier.verify(headers: first.headers, body: first.body + " ", now: firstSentAt)
            }
            #expect(throws: StandardWebhooksVerifier.Failure.noMatchingSignature) {
                try StandardWebhooksVerifier(secret: WebhookSignature.newSecret()).verify(headers: first.headers, body: first.body, now: firstSentAt)
            }
            #expect(throws: StandardWebhooksVerifier.Failure.staleTimestamp, "a replay a day later is refused by the receiver") {
                try verifier.verify(headers: first.headers, body: first.body, now: bed.clock.now())
            }

            let event = try JSONDecoder.api.decode(EventBody<AlertPayload>.self, from: Data(first.body.utf8))
            #expect(event.type == "alert.raised")
            #expect(event.data.kind == "auth_failed")
            #expect(first.headers["webhook-id"] == "msg_\(try #require(try await bed.deliveries(created.endpoint.id).first).event_id.uuidString.lowercased())")

            let log = try await bed.deliveries(created.endpoint.id)
            #expect(log.count == 1)
            let delivery = try #require(log.first)
            #expect(delivery.status == "succeeded")
            #expect(delivery.attempts == 6)
            #expect(delivery.response_status == 200)
            #expect(delivery.next_attempt_at == nil)
            #expect(delivery.latency_ms != nil)

            bed.clock.advance(by: 2 * 86_400)
            #expect(try await bed.runDueJobs() == 0, "nothing is sent after the acknowledgement")
            #expect(bed.receiver.received.count == 6)

            // A month on, the housekeeping job drops the finished event and its log.
            bed.clock.advance(by: PruneExpiredRows.webhookEventRetention)
            try await bed.services.jobs.enqueue(PruneExpiredRows.self, .init())
            #expect(try await bed.runDueJobs() == 1)
            #expect(try await bed.deliveries(created.endpoint.id).isEmpty)
            #expect(try await bed.count("SELECT count(*)::int FROM webhook_events") == 0)
        }
    }

    /// A receiver that never recovers: seven attempts over about a day, then `failed`. Redeliver
    /// sends the same event (same id) again, and a receiver that is back acknowledges it.
    @Test func givesUpAfterAboutADayThenRedeliverSendsTheSameEvent() async throws {
        let healthy = Mutex(false)
        try await WebhookTestBed.run(reply: { _ in healthy.withLock { $0 } ? 200 : 500 }) { bed in
            let created = try await bed.createEndpoint(events: ["alert.raised"])
            try await bed.raiseAlert()
            let schedule = WebhookRetrySchedule()
            var elapsed: TimeInterval = 0
            for attempt in 1...schedule.maxAttempts {
                #expect(try await bed.runDueJobs() == 1, "attempt \(attempt)")
                if let delay = schedule.delay(afterAttempt: attempt, random: 1) {
                    bed.clock.advance(by: delay)
                    elapsed += delay
                }
            }
            #expect(elapsed > 12 * 3600 && elapsed < 30 * 3600, "retries span about a day")
            var delivery = try #require(try await bed.deliveries(created.endpoint.id).first)
            #expect(delivery.status == "failed")
            #expect(delivery.attempts == 7)
            #expect(delivery.response_status == 500)
            #expect(delivery.next_attempt_at == nil)
            #expect(delivery.last_error?.contains("HTTP 500") == true)
            bed.clock.advance(by: 86_400)
            #expect(try await bed.runDueJobs() == 0, "a failed delivery is not retried by itself")

            healthy.withLock { $0 = true }
            let redeliver = try await bed.client.call("/api/v1/webhook-endpoints/\(created.endpoint.id)/deliveries/\(delivery.id)/redeliver",
                                                      .post, key: bed.team.api_key)
            #expect(redeliver.status == .accepted, "\(redeliver.text)")
            #expect(try await bed.runDueJobs() == 1)
            delivery = try #require(try await bed.deliveries(created.endpoint.id).first)
            #expect(delivery.status == "succeeded")
            #expect(delivery.attempts == 1, "a redeliver starts a fresh round")
            let requests = bed.receiver.received
            #expect(requests.count == 8)
            #expect(Set(requests.compactMap { $0.headers["webhook-id"] }).count == 1)
            #expect(try await bed.count("SELECT count(*)::int FROM audit_log WHERE action = 'webhook_delivery.redelivered'") == 1)
        }
    }

    /// Endpoints that do not subscribe to a type, or are switched off, get nothing; a team
    /// without endpoints stores no event at all.
    @Test func onlyActiveSubscribedEndpointsGetDeliveries() async throws {
        try await WebhookTestBed.run { bed in
            try await bed.raiseAlert()
            #expect(try await bed.count("SELECT count(*)::int FROM webhook_events") == 0)
            let other = try await bed.createEndpoint(events: ["generation.succeeded"])
            let off = try await bed.createEndpoint(events: ["alert.raised"])
            let patched = try await bed.client.call("/api/v1/webhook-endpoints/\(off.endpoint.id)", .patch, key: bed.team.api_key, json: #"{"active": false}"#)
            #expect(patched.status == .ok)
            try await bed.raiseAlert(kind: "insufficient_credits")
            #expect(try await bed.runDueJobs() == 0)
            #expect(try await bed.deliveries(other.endpoint.id).isEmpty)
            #expect(try await bed.deliveries(off.endpoint.id).isEmpty)
            #expect(bed.receiver.received.isEmpty)
        }
    }
}

extension WebhookTestBed {
    func count(_ sql: String) async throws -> Int {
        try await services.db.query(PostgresQuery(unsafeSQL: sql), logger: TestEnv.logger).decode(Int.self).firstElement() ?? -1
    }
}

/// A hung endpoint holds at most its share of the worker; the other endpoints' deliveries go on.
@Suite struct WebhookIsolationTests {
    @Test func aHungEndpointNeverHoldsBackTheOthers() async throws {
        try await WebhookTestBed.run(stall: { $0.hasSuffix("/hung") }, configure: { config in
            config.webhooks.endpointConcurrency = 2
            // The hung attempts must outlast the claims of the other eleven jobs, or a freed slot
            // takes a third: on a loaded 2-core run those claims took more than 3 s.
            config.webhooks.timeout = .seconds(6)
        }) { bed in
            let hung = try await bed.createEndpoint(url: "http://127.0.0.1:\(bed.receiver.port)/hung", events: ["alert.raised"])
            let healthy = try await bed.createEndpoint(events: ["alert.raised"])
            for index in 0..<6 { try await bed.raiseAlert(kind: "kind_\(index)") }

            // Four job slots, as a worker runs them, until nothing is due on the test's clock.
            try await withThrowingTaskGroup(of: Void.self) { slots in
                for _ in 0..<4 { slots.addTask { while try await bed.worker.runOnce() {} } }
                try await slots.waitForAll()
            }

            let fine = try await bed.deliveries(healthy.endpoint.id)
            #expect(fine.count == 6)
            #expect(fine.allSatisfy { $0.status == "succeeded" && $0.attempts == 1 }, "\(fine.map(\.status))")
            let stuck = try await bed.deliveries(hung.endpoint.id)
            #expect(stuck.filter { $0.attempts == 1 }.count == 2, "only two attempts at once on the hung endpoint")
            #expect(stuck.filter { $0.attempts == 1 }.allSatisfy { $0.status == "pending" && $0.last_error?.contains("could not deliver") == true },
                    "\(stuck.map { $0.last_error ?? "" })")
            #expect(stuck.filter { $0.attempts == 0 }.count == 4, "the rest wait their turn without an attempt")
            #expect(bed.receiver.received.filter { $0.path.hasSuffix("/hung") }.count == 2)
            #expect(bed.receiver.received.filter { $0.path == "/hooks" }.count == 6)
        }
    }
}
