import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PostgresNIO
import ProviderSimulator
import Testing
@testable import Reelbase

@Suite struct PipelineConcurrencyTests {
    @Test func aWriteAfterALostLeaseChangesNothing() async throws {
        var options = PipelineHarness.Options()
        options.workerRunning = false
        try await PipelineHarness.run(options) { h in
            let id = try await h.generate()
            let logger = Logger(label: "fence")
            let (job, accepted, succeeded, row) = try await h.sql { db, _ in
                let queue = WorkQueue(db: db, settings: h.config.worker, logger: logger)
                let audit = AuditRepository(db: db, secrets: SecretBox(key: h.config.secretKey), logger: logger)
                let jobs = JobQueue(db: db, settings: h.config.jobs, clock: SystemClock(), logger: logger)
                let outcomes = JobOutcomes(db: db, audit: audit, credits: CreditRepository(db: db, logger: logger),
                                           jobs: jobs, webhooks: WebhookOutbox(jobs: jobs, logger: logger), logger: logger)
                let job = try #require(try await queue.claimSubmission())
                // Another worker takes over (its own claim after our lease lapsed).
                try await db.query("UPDATE generations SET lease_token = gen_random_uuid() WHERE id = \(job.id)", logger: logger)
                let accepted = try await outcomes.accepted(job, requestID: "late-answer", firstPoll: Date())
                let blob = StoredBlob(id: UUID(), sha256: Data(repeating: 1, count: 32), size: 1, contentType: "video/mp4")
                let succeeded = try await outcomes.succeed(job, video: blob, cost: 1, seed: nil, observation: nil)
                let rows = try await db.query("""
                    SELECT state, provider_request_id, (SELECT count(*) FROM spend_ledger) FROM generations WHERE id = \(job.id)
                    """, logger: logger)
                return (job, accepted, succeeded, try await rows.decode((String, String?, Int).self).firstElement()!)
            }
            #expect(job.id.uuidString.lowercased() == id.lowercased())
            #expect(!accepted)
            #expect(!succeeded)
            #expect(row.0 == "submitting")
            #expect(row.1 == nil)
            #expect(row.2 == 0)
        }
    }

    @Test func idempotencyKeysReplayTheFirstAnswer() async throws {
        var options = PipelineHarness.Options()
        options.workerRunning = false
        try await PipelineHarness.run(options) { h in
            let body = #"{"model": "veo-3.1-fast", "prompt": "same request", "duration": 4}"#
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<5 { group.addTask { try await h.generate(body, headers: [.idempotencyKey: "launch-42"]) } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(ids).count == 1)
            let replay = try await h.client.call("/api/v1/generations", .post, key: h.team.api_key, json: body, headers: [.idempotencyKey: "launch-42"])
            #expect(replay.status == .accepted)
            #expect(replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            let different = try await h.client.call("/api/v1/generations", .post, key: h.team.api_key,
                                                    json: #"{"model": "veo-3.1-fast", "prompt": "another", "duration": 4}"#, headers: [.idempotencyKey: "launch-42"])
            #expect(different.status == .unprocessableContent)
            let count = try await h.sql { db, logger in try await db.query("SELECT count(*) FROM generations", logger: logger).decode(Int.self).firstElement()! }
            #expect(count == 1)
        }
    }

    @Test func aHundredConcurrentRequestsAgainstRoomForTenAdmitExactlyTen() async throws {
        var options = PipelineHarness.Options()
        options.workerRunning = false
        try await PipelineHarness.run(options) { h in
            // veo-3.1-fast, 4 s with audio: 4 × $0.15 = $0.60 each; room for exactly ten.
            try await h.sql { db, logger in try await db.query("UPDATE teams SET budget_usd = 6.00", logger: logger) }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        try await h.client.call("/api/v1/generations", .post, key: h.team.api_key,
                                                json: #"{"model": "veo-3.1-fast", "prompt": "kite \#(index)", "duration": 4}"#).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .accepted }.count == 10)
            #expect(statuses.filter { $0.code == 402 }.count == 90)
            let (rows, reserved) = try await h.sql { db, logger in
                try await db.query("SELECT (SELECT count(*) FROM generations), reserved_usd FROM teams", logger: logger).decode((Int, Decimal).self).firstElement()!
            }
            #expect(rows == 10)
            #expect(reserved == 6)
            let over = try await h.client.call("/api/v1/generations", .post, key: h.team.api_key, json: #"{"model": "veo-3.1-fast", "prompt": "one more", "duration": 4}"#)
            #expect(over.errorCode == "budget_exceeded")
            #expect(over.text.contains("6.6") || over.text.contains("available_usd"))
        }
    }

    @Test func cancellingAQueuedJobReleasesItsReservation() async throws {
        var options = PipelineHarness.Options()
        options.workerRunning = false
        try await PipelineHarness.run(options) { h in
            let id = try await h.generate()
            let cancelled = try await h.client.call("/api/v1/generations/\(id)/cancel", .post, key: h.team.api_key)
            #expect(cancelled.status == .ok)
            #expect(try decode(Generation.self, from: cancelled).status == .cancelled)
            let again = try await h.client.call("/api/v1/generations/\(id)/cancel", .post, key: h.team.api_key)
            #expect(again.status == .conflict)
            let reserved = try await h.sql { db, logger in try await db.query("SELECT reserved_usd FROM teams", logger: logger).decode(Decimal.self).firstElement()! }
            #expect(reserved == 0)
        }
    }

    @Test func cancellingASubmittedJobStillBooksWhatTheProviderBills() async throws {
        var options = PipelineHarness.Options()
        options.simulator = SimulatorConfig(latencySeconds: 2)
        options.expectedSeconds = 2
        try await PipelineHarness.run(options) { h in
            let id = try await h.generate()
            try await h.wait(id, for: ["submitted"])
            let requested = try await h.client.call("/api/v1/generations/\(id)/cancel", .post, key: h.team.api_key)
            #expect(try decode(Generation.self, from: requested).status == .cancelRequested)
            let done = try await h.wait(id, for: ["cancelled"])
            #expect((done.cost_usd ?? 0) > 0, "the provider billed it, so it is on the books")
        }
    }

    @Test func removingAnAccountDoesNotAbandonWorkAlreadyRunningOnIt() async throws {
        var options = PipelineHarness.Options()
        options.simulator = SimulatorConfig(latencySeconds: 2)
        options.expectedSeconds = 2
        try await PipelineHarness.run(options) { h in
            let id = try await h.generate()
            try await h.wait(id, for: ["submitted"])
            let removed = try await h.client.call("/api/v1/provider-accounts/\(h.accountID)", .delete, key: h.team.api_key)
            #expect(removed.status == .noContent)
            let done = try await h.wait(id, for: ["succeeded", "failed"])
            #expect(done.status == .succeeded, "a billed generation must still be collected and booked")
            // New work has no account now: a clear error, nothing queued.
            let refused = try await h.client.call("/api/v1/generations", .post, key: h.team.api_key, json: #"{"model": "veo-3.1-fast", "prompt": "x", "duration": 4}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("provider"))
        }
    }

    @Test func aWorkerThatDiesBeforeItsPostIsRequeuedAndOneThatDiesAfterIsParked() async throws {
        var options = PipelineHarness.Options()
        options.workerRunning = false
        try await PipelineHarness.run(options) { h in
            let before = try await h.generate()
            let after = try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "another kite", "duration": 4}"#)
            let logger = Logger(label: "rescue")
            let states = try await h.sql { db, _ in
                let queue = WorkQueue(db: db, settings: h.config.worker, logger: logger)
                let first = try #require(try await queue.claimSubmission())
                let second = try #require(try await queue.claimSubmission())
                #expect(try await queue.markPosting(second))  // this one's POST may have left
                // Both workers die: their leases run out.
                try await db.query("UPDATE generations SET lease_expires_at = now() - interval '1 second'", logger: logger)
                _ = try await queue.rescue(audit: AuditRepository(db: db, secrets: SecretBox(key: h.config.secretKey), logger: logger))
                let rows = try await db.query("SELECT id, state, attempt FROM generations", logger: logger)
                var result: [UUID: (String, Int)] = [:]
                for try await (id, state, attempt) in rows.decode((UUID, String, Int).self) { result[id] = (state, attempt) }
                return [result[first.id]!, result[second.id]!]
            }
            #expect(Set([before.lowercased(), after.lowercased()]).count == 2)
            #expect(states[0].0 == "queued")
            #expect(states[0].1 == 0, "a submission that never left does not use up an attempt")
            #expect(states[1].0 == "submit_unknown")
        }
    }
}
