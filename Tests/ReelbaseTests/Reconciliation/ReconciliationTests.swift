import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import ProviderSimulator
import ReelbaseCore
import Testing

@testable import Reelbase

/// `reconcile_account`, asked for with `POST /reconciliations` and run by the app's own job
/// worker, against the simulator's request history. The simulator charges 20 times the list
/// price for veo-3.1, so Reelbase books its estimate for those (the report is out of range)
/// while the provider's books show what it charged: a cost mismatch nobody staged by hand.
@Suite struct ReconciliationTests {
    static let apiKey = "recon-key-\(UUID().uuidString.prefix(8))"

    static var options: PipelineHarness.Options {
        var options = PipelineHarness.Options()
        var table = PriceTable.published
        table.rows = table.rows.map { row in
            var row = row
            if row.modelID == "segmind/veo-3.1" { row.usd *= 20 }
            return row
        }
        options.simulator = SimulatorConfig(latencySeconds: 0.3, retentionSeconds: 3600, priceTable: table)
        options.configure = { config in
            config.jobs.scheduleEvery = .milliseconds(200)
            config.jobs.idlePoll = .milliseconds(100)
        }
        return options
    }

    /// A Segmind account with a key the test knows (the newest account takes the team's work).
    func addAccount(_ h: PipelineHarness) async throws -> UUID {
        let created = try await h.client.call("/api/v1/provider-accounts", .post, key: h.team.api_key, json: """
            {"provider": "segmind", "name": "books", "api_key": "\(Self.apiKey)", "base_url": "\(h.simulator.baseURL)", "mode": "async", "concurrency_limit": 4}
            """)
        return try #require(UUID(uuidString: try decode(Identified.self, from: created).id), "\(created.text)")
    }

    /// A request made with the team's key outside Reelbase: billed, on nobody's books.
    func outside(_ h: PipelineHarness, cost: String) async throws -> String {
        var request = HTTPClientRequest(url: h.simulator.baseURL + "/_sim/history")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(.init(string: """
            {"api_key": "\(Self.apiKey)", "model": "veo-3.1-fast", "request_body": {"prompt": "made by hand in a notebook"}, "credits_deduction": \(cost)}
            """))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let entry = try JSONDecoder().decode(SegmindHistoryEntry.self, from: Data(buffer: try await response.body.collect(upTo: 1 << 20)))
        return entry.requestID
    }

    func waitForRun(_ h: PipelineHarness, _ id: UUID, key: String? = nil) async throws -> ReconciliationRun {
        let deadline = ContinuousClock.now + .seconds(30)
        var run: ReconciliationRun?
        while ContinuousClock.now < deadline {
            run = try await h.client.call("/api/v1/reconciliations/\(id)", key: key ?? h.team.api_key).decodedAs(ReconciliationRun.self)
            if let state = run?.state, ["succeeded", "failed"].contains(state) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try #require(run)
    }

    @Test func flagsAnOutsideRequestWithTheSameKeyAndACostMismatchAndRaisesAnAlert() async throws {
        try await PipelineHarness.run(Self.options) { h in
            let account = try await addAccount(h)
            let fair = try await h.generate(#"{"model": "veo-3.1-fast", "prompt": "a red kite over the sea", "duration": 4}"#)
            let dear = try await h.generate(#"{"model": "veo-3.1", "prompt": "a blue kite over the hills", "duration": 4}"#)
            let fairDone = try await h.wait(fair, for: ["succeeded"])
            let dearDone = try await h.wait(dear, for: ["succeeded"])
            #expect(dearDone.cost_flag == "out_of_range", "the provider's charge was out of range, so the estimate was booked")
            let outsideID = try await outside(h, cost: "0.25")

            let start = Date().addingTimeInterval(-3600).iso8601WithFraction
            let queued = try await h.client.call("/api/v1/reconciliations", .post, key: h.team.api_key,
                                                 json: #"{"account": "\#(account.uuidString)", "from": "\#(start)"}"#)
            #expect(queued.status == .accepted, "\(queued.text)")
            let runID = try #require(try queued.decodedAs(ReconciliationsQueued.self).runs.first?.id)
            let run = try await waitForRun(h, runID)
            #expect(run.state == "succeeded", "\(run.error ?? "")")
            #expect(run.totals.matched == 1 && run.totals.cost_mismatch == 1 && run.totals.not_booked == 1 && run.totals.unknown_to_provider == 0,
                    "\(run.totals)")
            let lines = run.lines ?? []
            let notBooked = try #require(lines.first { $0.kind == "not_booked" })
            #expect(notBooked.request_id == outsideID && notBooked.provider_usd == Decimal(string: "0.25") && notBooked.generation_id == nil)
            let mismatch = try #require(lines.first { $0.kind == "cost_mismatch" })
            #expect(mismatch.generation_id?.uuidString.lowercased() == dear.lowercased())
            #expect(mismatch.request_id == dearDone.provider_request_id)
            #expect((mismatch.provider_usd ?? 0) > 10 * (mismatch.ledger_usd ?? 0))
            let matched = try #require(lines.first { $0.kind == "matched" })
            #expect(matched.request_id == fairDone.provider_request_id && matched.ledger_usd == matched.provider_usd)
            #expect(lines.first?.kind != "matched", "discrepancies are listed first")

            let alerts = try await h.client.call("/api/v1/alerts", key: h.team.api_key).decodedAs(Listed<Alert>.self).data
            let alert = try #require(alerts.first { $0.kind == ReconciliationRepository.alertKind })
            #expect(alert.account_key == account.uuidString.lowercased() && alert.message.contains("1 billed by the provider but not booked"))

            let listed = try await h.client.call("/api/v1/reconciliations?account=\(account.uuidString)", key: h.team.api_key)
                .decodedAs(Listed<ReconciliationRun>.self)
            // (The daily schedule may have queued a run of its own for yesterday.)
            #expect(listed.data.contains { $0.id == runID } && listed.data.allSatisfy { $0.account_id == account && $0.lines == nil })

            // Another team sees nothing of it, exactly as for an id that never existed.
            let stranger = try await TestEnv.makeTeam("Strangers", config: h.config)
            let theirs = try await h.client.call("/api/v1/reconciliations/\(runID)", key: stranger.api_key)
            let random = try await h.client.call("/api/v1/reconciliations/\(UUID())", key: stranger.api_key)
            #expect(theirs.status == .notFound && random.status == .notFound && theirs.errorCode == random.errorCode)
            #expect(try await h.client.call("/api/v1/reconciliations", key: stranger.api_key).decodedAs(Listed<ReconciliationRun>.self).data.isEmpty)
        }
    }

    @Test func aRunWithNothingOutOfPlaceRaisesNoAlertAndBadRequestsAreRefused() async throws {
        try await PipelineHarness.run(Self.options) { h in
            let account = try await addAccount(h)
            let id = try await h.generate()
            try await h.wait(id, for: ["succeeded"])
            let queued = try await h.client.call("/api/v1/reconciliations", .post, key: h.team.api_key, json: "{}")
            #expect(queued.status == .accepted, "\(queued.text)")
            let runs = try queued.decodedAs(ReconciliationsQueued.self).runs
            #expect(runs.count == 2, "one run for each of the team's Segmind accounts")
            for queuedRun in runs {
                let run = try await waitForRun(h, queuedRun.id)
                #expect(run.state == "succeeded" && run.totals.mismatches == 0)
                #expect(run.totals.matched == (queuedRun.account_id == account ? 1 : 0))
            }
            try await theScheduleQueuesYesterdayOncePerAccount(h)
            let alerts = try await h.client.call("/api/v1/alerts", key: h.team.api_key).decodedAs(Listed<Alert>.self).data
            #expect(!alerts.contains { $0.kind == ReconciliationRepository.alertKind })

            let backwards = try await h.client.call("/api/v1/reconciliations", .post, key: h.team.api_key,
                                                    json: #"{"from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z"}"#)
            #expect(backwards.status == .unprocessableContent)
            let tooLong = try await h.client.call("/api/v1/reconciliations", .post, key: h.team.api_key,
                                                  json: #"{"from": "2025-01-01T00:00:00Z", "to": "2025-03-01T00:00:00Z"}"#)
            #expect(tooLong.status == .unprocessableContent)
            let unknown = try await h.client.call("/api/v1/reconciliations", .post, key: h.team.api_key, json: #"{"account": "\#(UUID())"}"#)
            #expect(unknown.status == .notFound)
            let malformed = try await h.client.call("/api/v1/reconciliations", .post, key: h.team.api_key, json: #"{"from": "yesterday"}"#)
            #expect(malformed.status == .badRequest)
        }
    }
}

/// A page of any list, as the client reads it.

extension ReconciliationTests {
    /// The instance default account is shared: each team's run pairs the whole history with
    /// every team's bookings, and shows the team its own takes only.
    @Test func onTheSharedDefaultAccountATeamSeesItsOwnTakesOnly() async throws {
        let probe = try await ProviderSimulator.start(SimulatorConfig())
        let port = probe.port
        await probe.shutdown()
        var options = Self.options
        options.simulator = SimulatorConfig(port: port, latencySeconds: 0.3, retentionSeconds: 3600)
        let configure = options.configure
        options.configure = { config in
            configure(&config)
            config.defaultSegmind = AppConfig.DefaultAccount(apiKey: Self.apiKey, baseURL: "http://127.0.0.1:\(port)", mode: "async")
        }
        try await PipelineHarness.run(options) { h in
            #expect(try await h.client.call("/api/v1/provider-accounts/\(h.accountID)", .delete, key: h.team.api_key).status == .noContent)
            let other = try await TestEnv.makeTeam("Neighbours", config: h.config)
            let mine = try await h.generate()
            let theirsResponse = try await h.client.call("/api/v1/generations", .post, key: other.api_key,
                                                 json: #"{"model": "veo-3.1-fast", "prompt": "their kite", "duration": 4}"#)
            let theirs = try? decode(Identified.self, from: theirsResponse).id
            try await h.wait(mine, for: ["succeeded"])
            let theirID = try #require(theirs)
            _ = try await outside(h, cost: "0.25")
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline,
                  try decode(Generation.self, from: try await h.client.call("/api/v1/generations/\(theirID)", key: other.api_key)).status != .succeeded {
                try await Task.sleep(for: .milliseconds(200))
            }
            let queued = try await h.client.call("/api/v1/reconciliations", .post, key: h.team.api_key, json: "{}")
            #expect(queued.status == .accepted, "\(queued.text)")
            let runs = try queued.decodedAs(ReconciliationsQueued.self).runs
            #expect(runs.count == 1, "the removed team account is not reconciled; the shared one is")
            let shared = try #require(runs.first { $0.account_id == nil })
            #expect(shared.account_key == ReconciliationRepository.defaultAccountKey)
            let run = try await waitForRun(h, shared.id)
            #expect(run.state == "succeeded", "\(run.error ?? "")")
            #expect(run.totals.matched == 1 && run.totals.mismatches == 0, "\(run.totals)")
            #expect(run.lines?.map { $0.generation_id?.uuidString.lowercased() } == [mine.lowercased()],
                    "neither the neighbours' take nor the request made outside is shown to this team")
            // The neighbours have a run of their own, with their take.
            let theirRun = try await h.client.call("/api/v1/reconciliations", .post, key: other.api_key, json: "{}")
                .decodedAs(ReconciliationsQueued.self).runs
            let done = try await waitForRun(h, try #require(theirRun.first?.id), key: other.api_key)
            #expect(done.lines?.map { $0.generation_id?.uuidString.lowercased() } == [theirID.lowercased()])
        }
    }

    /// `schedule_reconciliations` run twice in one day (two replicas, or the hourly period):
    /// one run per account for yesterday, never two.
    func theScheduleQueuesYesterdayOncePerAccount(_ h: PipelineHarness) async throws {
        let now = Date().addingTimeInterval(86_400 * 3)  // a day no other run has touched
        try await h.sql { db, logger in
            let audit = AuditRepository(db: db, secrets: SecretBox(key: h.config.secretKey), logger: logger)
            let runs = ReconciliationRepository(
                db: db, audit: audit, alerts: AlertRepository(db: db, audit: audit, logger: logger),
                jobs: JobQueue(db: db, settings: h.config.jobs, clock: SystemClock(), logger: logger), catalog: .standard(), logger: logger)
            let schedule = ScheduleReconciliations(runs: runs, historyLag: 900)
            for _ in 0..<2 {
                try await schedule.run(.init(), context: JobContext(id: UUID(), team: nil, attempt: 1, leaseToken: UUID(), now: now, logger: logger))
            }
            let day = ScheduleReconciliations.previousDay(before: now)
            var scheduled: [UUID: Int] = [:]
            let rows = try await db.query("""
                SELECT account_id, count(*)::int FROM reconciliation_runs
                WHERE team_id = \(h.team.team_id) AND trigger = 'schedule' AND window_start = \(day.start) AND window_end = \(day.end)
                GROUP BY account_id
                """, logger: logger)
            for try await (account, count) in rows.decode((UUID, Int).self) { scheduled[account] = count }
            #expect(scheduled.count == 2 && scheduled.values.allSatisfy { $0 == 1 }, "\(scheduled)")
            let jobs = try await db.query("""
                SELECT count(*)::int FROM jobs WHERE kind = \(ReconcileAccount.kind) AND dedupe_key LIKE '%' || \(ScheduleReconciliations.dayText(day.start))
                """, logger: logger).decode(Int.self).firstElement() ?? 0
            #expect(jobs == 2)
        }
    }
}

