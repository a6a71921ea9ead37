import Foundation
import Logging
import PostgresNIO

/// Every write a worker makes about a job it holds, each fenced by the lease token: if the
/// lease was lost (another worker, the rescuer, a cancel), the write matches nothing and the
/// result is dropped. Returns false in that case.
struct JobOutcomes: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let credits: CreditRepository
    /// Follow-up work enqueued with a success (the poster frame).
    let jobs: JobQueue
    /// Webhook events of each outcome, written in the outcome's own transaction.
    let webhooks: WebhookOutbox
    let logger: Logger
    /// This worker's finishing transactions, grouped (one per process: copies share it).
    var batcher = FinishBatcher()
    var ledger: SpendLedger { SpendLedger(logger: logger, outbox: webhooks) }

    /// The provider took the job: poll from `firstPoll` on. The attempt row and the credits the
    /// answer reported go in the same statement (kept even when the lease was lost: they happened).
    func accepted(_ job: ClaimedJob, requestID: String, firstPoll: Date, credits observation: CreditObservation? = nil) async throws -> Bool {
        let credits: SQLFragment = observation.flatMap { $0.hasFigures ? $0 : nil }.map {
            ", credits AS (\(CreditRepository.insert($0, team: job.teamID, account: job.accountID, generation: job.id)))"
        } ?? ""
        return try await fenced(job, """
            WITH attempt AS (\(Self.attemptRow(job, phase: "submit", outcome: "accepted", message: requestID))) \(credits)
            UPDATE generations SET state = CASE WHEN state = \(GenerationState.cancelRequested) THEN state ELSE \(GenerationState.submitted) END,
                provider_request_id = \(requestID), submitted_at = now(), next_poll_at = \(firstPoll), poll_count = 0,
                \(GenerationSQL.clearLease), updated_at = now()
            WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND \(GenerationSQL.stateIn(.submitting, .cancelRequested))
            RETURNING id
            """)
    }

    func nextPoll(_ job: ClaimedJob, at: Date) async throws -> Bool {
        try await fenced(job, """
            UPDATE generations SET next_poll_at = \(at), poll_count = poll_count + 1, \(GenerationSQL.clearLease)
            WHERE id = \(job.id) AND lease_token = \(job.leaseToken) RETURNING id
            """)
    }

    /// Definitely not billed: back to the queue at `at`, or cancelled if a person asked.
    /// `countsAsAttempt` is false for account-level trouble (rate limit, credits, key, unreachable).
    func requeue(_ job: ClaimedJob, at: Date, countsAsAttempt: Bool, error: ProviderError) async throws -> Bool {
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                UPDATE generations SET
                    state = \(GenerationSQL.unlessCancelRequested(.queued)),
                    finished_at = CASE WHEN state = \(GenerationState.cancelRequested) THEN now() END,
                    attempt = CASE WHEN \(countsAsAttempt) THEN attempt ELSE greatest(attempt - 1, 0) END,
                    next_attempt_at = \(at), \(GenerationSQL.clearLease),
                    error_kind = \(error.kind.code), error_message = \(error.message), provider_status = \(error.httpStatus), updated_at = now()
                WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND \(GenerationSQL.stateIn(.submitting, .cancelRequested))
                RETURNING state
                """, logger: logger)
            guard let state = try await rows.decode(GenerationState.self).firstElement() else { return false }
            if state == .cancelled {
                try await ledger.release(generation: job.id, on: conn)
                try await AdvanceStoryboard.wake(after: job.id, jobs: jobs, on: conn, logger: logger)
            }
            try await audit.append(AuditEvent(state == .cancelled ? "generation.cancelled" : "generation.requeued", target: "generation", id: job.id.uuidString,
                                              details: ["error": .string(error.kind.code), "message": .string(error.message), "next_attempt_at": .string(at.iso8601WithFraction)]),
                                   team: job.teamID, actor: .system, on: conn)
            return true
        }
    }

    /// Over for good and not billed (invalid request, provider FAILED, attempts used up).
    func fail(_ job: ClaimedJob, kind: String, message: String, status: Int?) async throws -> Bool {
        try await finish(job, event: "generation.failed", details: ["error": .string(kind), "message": .string(message)], money: .release) { conn in
            let rows = try await conn.query("""
                UPDATE generations SET state = \(GenerationSQL.unlessCancelRequested(.failed)),
                    error_kind = \(kind), error_message = \(message), provider_status = \(status), cost_usd = 0, cost_is_estimate = false,
                    finished_at = now(), \(GenerationSQL.clearLease), updated_at = now()
                WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND \(GenerationSQL.inFlight())
                RETURNING state
                """, logger: logger)
            guard let state = try await rows.decode(GenerationState.self).firstElement() else { return false }
            if state == .failed { try await webhooks.emit(.generationFailed, eventData(job, state: .failed, error: .init(kind: kind, message: message)), team: job.teamID, on: conn) }
            return true
        }
    }

    /// The POST may have been billed: never resubmitted automatically; a person decides.
    func unknown(_ job: ClaimedJob, error: ProviderError) async throws -> Bool {
        try await finish(job, event: "generation.submit_unknown", details: ["error": .string(error.kind.code), "message": .string(error.message)],
                         money: .reserved) { conn in
            let rows = try await conn.query("""
                UPDATE generations SET state = \(GenerationState.submitUnknown), error_kind = \(error.kind.code), error_message = \(error.message),
                    provider_status = \(error.httpStatus), \(GenerationSQL.clearLease), updated_at = now()
                WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND \(GenerationSQL.stateIn(.submitting, .cancelRequested))
                RETURNING id
                """, logger: logger)
            guard try await rows.decode(UUID.self).firstElement() != nil else { return false }
            try await webhooks.emit(.generationSubmitUnknown, eventData(job, state: .submitUnknown, error: .init(kind: error.kind.code, message: error.message)),
                                    team: job.teamID, on: conn)
            return true
        }
    }

    /// The provider forgot the request (404 after retention). It may have completed and been
    /// billed before, so the estimate is booked, flagged as an estimate.
    func expire(_ job: ClaimedJob, error: ProviderError) async throws -> Bool {
        try await finish(job, event: "generation.expired", details: ["message": .string(error.message)],
                         money: .book(.init(reported: nil, estimate: job.estimate))) { conn in
            let rows = try await conn.query("""
                UPDATE generations SET state = \(GenerationState.expired), error_kind = 'expired', error_message = \(error.message), provider_status = \(error.httpStatus),
                    finished_at = now(), \(GenerationSQL.clearLease), updated_at = now()
                WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND \(GenerationSQL.stateIn(.submitted, .cancelRequested))
                RETURNING id
                """, logger: logger)
            return try await rows.decode(UUID.self).firstElement() != nil
        }
    }

    /// The archived video, its cost, the credit snapshot and the audit row: all or nothing.
    /// A reported cost outside [0, 10 x estimate] is kept but not booked (SpendLedger.Charge); an alert says so.
    /// `completedIn`: the phase ("submit", "poll") whose answer brought the video; its attempt
    /// row is written with the success.
    func succeed(_ job: ClaimedJob, video: StoredBlob, cost: Decimal?, seed: Int?, observation: CreditObservation?,
                 completedIn phase: String? = nil) async throws -> Bool {
        let charge = SpendLedger.Charge(reported: cost, estimate: job.estimate)
        // The attempt row and the credit snapshot ride along with the update (one round trip);
        // the snapshot only when the update matched, as before.
        let along: [SQLFragment] = [
            phase.map { "attempt AS (\(Self.attemptRow(job, phase: $0, outcome: "completed")))" },
            observation.map {
                "credits AS (\(CreditRepository.insert($0, team: job.teamID, account: job.accountID, generation: job.id, when: "EXISTS (SELECT 1 FROM moved)")))"
            },
        ].compactMap { $0 }
        return try await finish(job, event: "generation.succeeded",
                                details: charge.auditDetails.merging(["video_bytes": .number(Double(video.size))]) { $1 }, money: .book(charge)) { conn in
            let rows = try await conn.query("""
                WITH moved AS (
                UPDATE generations SET state = \(GenerationSQL.unlessCancelRequested(.succeeded)),
                    video_blob_id = \(video.id), video_sha256 = \(video.sha256.hex), video_size = \(video.size), video_content_type = \(video.contentType),
                    provider_seed = \(seed.map(Int64.init)), credits_after = \(observation?.remaining), error_kind = NULL, error_message = NULL,
                    finished_at = now(), \(GenerationSQL.clearLease), updated_at = now()
                WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND \(GenerationSQL.inFlight())
                RETURNING state
                )\(unescaped: along.isEmpty ? "" : ",") \(list: along)
                SELECT state FROM moved
                """, logger: logger)
            guard let state = try await rows.decode(GenerationState.self).firstElement() else { return false }
            try await jobs.enqueue(ExtractPoster.self, .init(team: job.teamID, generation: job.id, video: video.id), team: job.teamID, on: conn)
            let stored = GenerationEventData.Video(sha256: video.sha256.hex, size: video.size, content_type: video.contentType,
                                                   url: "/api/v1/generations/\(job.id.uuidString.lowercased())/video")
            if state == .succeeded {
                try await webhooks.emit(.generationSucceeded, eventData(job, state: state, cost: charge.amount, video: stored), team: job.teamID, on: conn)
            }
            return true
        } afterwards: { conn in
            if charge.flag != nil, let reported = cost {
                try await raiseAlert(team: job.teamID, accountKey: job.accountKey, kind: "cost_out_of_range", message:
                    "The \(job.provider) account reported a cost of \(reported) USD for generation \(job.id), outside 0 to 10 times its estimate of \(job.estimate) USD. The estimate was booked; check the provider's bill.", on: conn)
            }
        }
    }

    private func eventData(_ job: ClaimedJob, state: GenerationState, cost: Decimal? = nil, video: GenerationEventData.Video? = nil,
                           error: GenerationEventData.Failure? = nil) -> GenerationEventData {
        GenerationEventData(generation_id: job.id, state: state.rawValue, provider: job.provider, model_id: job.modelID,
                            cost_usd: cost, video: video, error: error)
    }

    /// `body` moves the generation (false: the lease was lost, nothing more happens); then the
    /// money moves (`money`, then `afterwards`) and the audit row is appended, in one
    /// transaction shared with the other finishes waiting at that moment (`FinishBatcher`).
    private func finish(_ job: ClaimedJob, event: String, details: [String: JSONValue], money: Finish.Money,
                        _ body: @escaping @Sendable (PostgresConnection) async throws -> Bool,
                        afterwards: (@Sendable (PostgresConnection) async throws -> Void)? = nil) async throws -> Bool {
        let audit = AuditEvent(event, target: "generation", id: job.id.uuidString, details: .object(details))
        return try await batcher.finish(Finish(job: job, audit: audit, body: body, money: money, afterwards: afterwards)) { [self] in try await together($0) }
    }

    /// Several finishes in one transaction, in the order that keeps the shared rows short-held:
    /// every generation row first, then the teams' rows (locked in one order, so two batches
    /// never wait on each other crosswise), the money (every booking in one statement) and the
    /// audit rows, then commit.
    private func together(_ finishes: [Finish]) async throws -> [Bool] {
        try await db.transaction(logger: logger) { conn in
            var moved: [Bool] = []
            for finish in finishes { moved.append(try await finish.body(conn)) }
            let done = zip(finishes, moved).filter(\.1).map(\.0)
            guard !done.isEmpty else { return moved }
            // A storyboard take: its storyboard takes the next step once this commits.
            try await AdvanceStoryboard.wake(after: done.map(\.job.id), jobs: jobs, on: conn, logger: logger)
            let teams = Array(Set(done.map(\.job.teamID))).sorted { $0.uuidString < $1.uuidString }
            try await conn.query("SELECT 1 FROM teams WHERE id = ANY(\(teams)) ORDER BY id FOR NO KEY UPDATE", logger: logger)
            for finish in done {
                if case .release = finish.money { try await ledger.release(generation: finish.job.id, on: conn) }
            }
            try await ledger.settle(done.compactMap(\.booking), on: conn)
            for finish in done { try await finish.afterwards?(conn) }
            for team in teams {
                try await audit.append(done.filter { $0.job.teamID == team }.map(\.audit), team: team, actor: .system, on: conn)
            }
            return moved
        }
    }

    private func fenced(_ job: ClaimedJob, _ query: PostgresQuery) async throws -> Bool {
        try await db.query(query, logger: logger).decode(UUID.self).firstElement() != nil
    }

    // MARK: account trouble, attempts, credits

    /// No submissions on this account until `until`, for every replica; audited in the team whose job hit it.
    func pause(accountKey: String, until: Date?, reason: String, team: UUID) async throws {
        try await db.transaction(logger: logger) { conn in
            try await conn.query("""
                INSERT INTO provider_pauses (account_key, paused_until, reason) VALUES (\(accountKey), coalesce(\(until)::timestamptz, 'infinity'::timestamptz), \(reason))
                ON CONFLICT (account_key) DO UPDATE SET paused_until = greatest(provider_pauses.paused_until, excluded.paused_until),
                    reason = excluded.reason, updated_at = now()
                """, logger: logger)
            try await audit.append(AuditEvent("provider_account.paused", target: "provider_account", id: accountKey,
                                              details: ["reason": .string(reason), "until": until.map { .string($0.iso8601WithFraction) } ?? "until a person acts"]),
                                   team: team, actor: .system, on: conn)
        }
    }

    static let unreachableReason = "unreachable"

    /// Nothing reached the provider: no submissions on this account (every replica) for a pause
    /// that doubles while the outage lasts (`backoff`). A job that failed during a pause already
    /// running does not lengthen it. Audited when an outage begins. Returns when the pause ends.
    func pauseUnreachable(accountKey: String, team: UUID, backoff: UnreachableBackoff, now: Date = Date(),
                          random: Double = Double.random(in: 0.75...1.0)) async throws -> Date {
        try await db.transaction(logger: logger) { conn in
            // The last pause of this outage: one that ended less than `cap` ago still counts.
            let rows = try await conn.query("""
                SELECT paused_until, extract(epoch FROM paused_until - updated_at)::float8 FROM provider_pauses
                WHERE account_key = \(accountKey) AND reason = \(Self.unreachableReason)
                  AND paused_until > \(now.addingTimeInterval(-backoff.cap)) FOR UPDATE
                """, logger: logger)
            let last = try await rows.decode((Date, Double).self).firstElement()
            if let last, last.0 > now { return last.0 }
            let until = now.addingTimeInterval(backoff.delay(previous: last?.1, random: random))
            try await conn.query("""
                INSERT INTO provider_pauses AS p (account_key, paused_until, reason, updated_at)
                VALUES (\(accountKey), \(until), \(Self.unreachableReason), \(now))
                ON CONFLICT (account_key) DO UPDATE SET
                    reason = CASE WHEN p.paused_until > excluded.paused_until THEN p.reason ELSE excluded.reason END,
                    updated_at = CASE WHEN p.paused_until > excluded.paused_until THEN p.updated_at ELSE excluded.updated_at END,
                    paused_until = greatest(p.paused_until, excluded.paused_until)
                """, logger: logger)
            if last == nil {
                try await audit.append(AuditEvent("provider_account.paused", target: "provider_account", id: accountKey,
                                                  details: ["reason": .string(Self.unreachableReason), "until": .string(until.iso8601WithFraction)]),
                                       team: team, actor: .system, on: conn)
            }
            return until
        }
    }

    /// One open alert per team, account and kind, however many jobs hit the problem.
    func alert(team: UUID, accountKey: String, kind: String, message: String) async throws {
        try await db.transaction(logger: logger) { conn in
            try await raiseAlert(team: team, accountKey: accountKey, kind: kind, message: message, on: conn)
        }
    }

    /// Audited when it opens a new alert (not for every job that hits an open one).
    private func raiseAlert(team: UUID, accountKey: String, kind: String, message: String, on conn: PostgresConnection) async throws {
        let rows = try await conn.query("""
            INSERT INTO alerts (team_id, account_key, kind, message) VALUES (\(team), \(accountKey), \(kind), \(message))
            ON CONFLICT (team_id, account_key, kind) WHERE resolved_at IS NULL DO NOTHING
            RETURNING id
            """, logger: logger)
        guard let id = try await rows.decode(UUID.self).firstElement() else { return }
        try await webhooks.emit(.alertRaised, AlertRaisedData(alert_id: id, kind: kind, account_key: accountKey, message: message), team: team, on: conn)
        try await audit.append(AuditEvent("alert.raised", target: "alert", id: id.uuidString.lowercased(),
                                          details: ["kind": .string(kind), "account_key": .string(accountKey), "message": .string(message)]),
                               team: team, actor: .system, on: conn)
    }

    func attempt(_ job: ClaimedJob, phase: String, outcome: String, status: Int? = nil, message: String? = nil) async throws {
        try await db.query("\(Self.attemptRow(job, phase: phase, outcome: outcome, status: status, message: message))", logger: logger)
    }

    /// One line of the job's provider history, as a statement others can carry along.
    static func attemptRow(_ job: ClaimedJob, phase: String, outcome: String, status: Int? = nil, message: String? = nil) -> SQLFragment {
        """
        INSERT INTO generation_attempts (generation_id, attempt, phase, outcome, http_status, message)
        VALUES (\(job.id), \(job.attempt), \(phase), \(outcome), \(status), \(message.map { String($0.prefix(2000)) }))
        """
    }

    func observe(_ observation: CreditObservation?, job: ClaimedJob) async throws {
        guard let observation, observation.hasFigures else { return }
        try await credits.record(observation, team: job.teamID, account: job.accountID, generation: job.id)
    }
}
