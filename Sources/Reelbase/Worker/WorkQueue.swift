import Foundation
import Logging
import PostgresNIO
import ReelbaseCore

/// The worker's SQL: claims (SKIP LOCKED, committed before any HTTP call), fenced writes,
/// and the rescuer. A fenced write that matches no row means another worker owns the job now.
struct WorkQueue: Sendable {
    let db: PostgresClient
    let settings: WorkerSettings
    let logger: Logger
    static let rescueLockKey: Int64 = 0x7265_656C_7265_7363
    /// Jobs claimed per account in one transaction.
    static let claimBatch = 8

    /// What a claim's UPDATE returns, and the select around it (`WITH claimed AS (UPDATE …)`)
    /// that adds the account's row, so the runner needs no second round trip for the key.
    private static let returning = """
        RETURNING g.id, g.team_id, g.state, g.attempt, g.max_attempts, g.provider, g.model_id, g.account_key, g.account_id,
                  g.prompt_text, g.negative_prompt, g.params, g.provider_request_id, g.poll_count, g.estimated_cost_usd, g.lease_token
        """
    private static let withAccount = """
        SELECT c.id, c.team_id, c.state, c.attempt, c.max_attempts, c.provider, c.model_id, c.account_key, c.account_id,
               c.prompt_text, c.negative_prompt, c.params::text, c.provider_request_id, c.poll_count, c.estimated_cost_usd, c.lease_token,
               pa.id, pa.api_key_sealed, pa.base_url, pa.mode, pa.concurrency_limit, pa.deleted_at IS NOT NULL
        FROM claimed c LEFT JOIN provider_accounts pa ON pa.id = c.account_id AND pa.team_id = c.team_id AND pa.provider = c.provider
        """

    /// Queued jobs whose account is neither paused nor at its concurrency limit, up to `limit`.
    ///
    /// Per-account limits stay exact without serialising every claim: a claim takes the
    /// account's transaction-scoped lock (skipping accounts another claimer holds, as SKIP
    /// LOCKED skips rows), counts its in-flight jobs and takes only the free slots. Claiming is
    /// the only move into an in-flight state, so holding that lock while counting is enough.
    ///
    /// Fair between teams sharing an account (the instance default accounts): within an account,
    /// a queued job's turn is its team's in-flight count there plus its place in its team's own
    /// queue, and the lowest turns go first. A team with nothing running gets the next free slot
    /// however long another team's batch is, so a single job waits at most one claim round.
    func claimSubmissions(limit: Int) async throws -> [ClaimedJob] {
        guard limit > 0 else { return [] }
        let accounts = try await db.query("""
            -- In-flight jobs per account, counted once: a count per queued row cost a full count
            -- for every queued job of a saturated account on every claim (28 ms at 500 queued).
            WITH busy AS (
                SELECT account_key, count(*) AS n FROM generations WHERE \(GenerationSQL.inFlight()) GROUP BY account_key
            )
            SELECT DISTINCT account_key FROM (
                SELECT g.account_key FROM generations g LEFT JOIN busy b ON b.account_key = g.account_key
                WHERE g.state = \(GenerationState.queued) AND g.next_attempt_at <= now()
                  AND NOT EXISTS (SELECT 1 FROM provider_pauses p WHERE p.account_key = g.account_key AND p.paused_until > now())
                  AND coalesce(b.n, 0) < g.concurrency_limit
                ORDER BY g.next_attempt_at, g.created_at
                LIMIT 32
            ) due
            """, logger: logger).decode(String.self).reduce(into: [String]()) { $0.append($1) }
        var claimed: [ClaimedJob] = []
        for account in accounts where claimed.count < limit {
            claimed += try await claim(account: account, limit: min(limit - claimed.count, Self.claimBatch))
        }
        return claimed
    }

    /// The next claimable submission, if any.
    func claimSubmission() async throws -> ClaimedJob? { try await claimSubmissions(limit: 1).first }

    /// The next poll due, if any.
    func claimPoll() async throws -> ClaimedJob? { try await claimPolls(limit: 1).first }

    private func claim(account: String, limit: Int) async throws -> [ClaimedJob] {
        let token = UUID()
        return try await db.transaction(logger: logger) { conn in
            let locked = try await conn.query("SELECT pg_try_advisory_xact_lock(hashtextextended(\(account), 1919252067))", logger: logger)
            guard try await locked.decode(Bool.self).firstElement() == true else { return [] }
            return try await jobs(conn.query("""
                WITH RECURSIVE busy AS (
                    SELECT count(*) AS n FROM generations WHERE account_key = \(account) AND \(GenerationSQL.inFlight())
                ), team_busy AS (
                    SELECT team_id, count(*) AS n FROM generations WHERE account_key = \(account) AND \(GenerationSQL.inFlight()) GROUP BY team_id
                ), waiting AS (
                    -- The teams with queued work here, one index probe each (a loose index scan).
                    (SELECT team_id FROM generations WHERE account_key = \(account) AND state = \(GenerationState.queued) ORDER BY team_id LIMIT 1)
                    UNION ALL
                    SELECT (SELECT g.team_id FROM generations g
                            WHERE g.account_key = \(account) AND g.state = \(GenerationState.queued) AND g.team_id > w.team_id
                            ORDER BY g.team_id LIMIT 1)
                    FROM waiting w WHERE w.team_id IS NOT NULL
                ), due AS (
                    SELECT q.id, q.next_attempt_at, q.created_at, coalesce(t.n, 0) + q.rank AS turn
                    FROM waiting w
                    CROSS JOIN LATERAL (
                        SELECT g.id, g.next_attempt_at, g.created_at, row_number() OVER (ORDER BY g.next_attempt_at, g.created_at) AS rank
                        FROM generations g
                        WHERE g.account_key = \(account) AND g.team_id = w.team_id AND g.state = \(GenerationState.queued) AND g.next_attempt_at <= now()
                        ORDER BY g.next_attempt_at, g.created_at LIMIT \(limit)
                    ) q
                    LEFT JOIN team_busy t ON t.team_id = w.team_id
                    WHERE NOT EXISTS (SELECT 1 FROM provider_pauses p WHERE p.account_key = \(account) AND p.paused_until > now())
                ), candidate AS (
                    SELECT g.id FROM generations g
                    WHERE g.id IN (SELECT id FROM due ORDER BY turn, next_attempt_at, created_at LIMIT \(limit))
                      AND g.state = \(GenerationState.queued)
                    FOR UPDATE SKIP LOCKED
                ), ranked AS (
                    SELECT due.id, row_number() OVER (ORDER BY due.turn, due.next_attempt_at, due.created_at) AS rank
                    FROM candidate JOIN due ON due.id = candidate.id
                ), claimed AS (
                UPDATE generations g SET state = \(GenerationState.submitting), attempt = g.attempt + 1, lease_token = \(token),
                    post_started_at = NULL, lease_expires_at = now() + \(settings.lease.seconds) * interval '1 second',
                    leased_by = \(settings.workerID), updated_at = now()
                FROM ranked, busy WHERE g.id = ranked.id AND busy.n + ranked.rank <= g.concurrency_limit
                \(unescaped: Self.returning)
                )
                \(unescaped: Self.withAccount)
                """, logger: logger))
        }
    }

    /// Submitted jobs due for a status poll whose lease is free, up to `limit`.
    func claimPolls(limit: Int) async throws -> [ClaimedJob] {
        guard limit > 0 else { return [] }
        let token = UUID()
        return try await jobs(db.query("""
            WITH candidate AS (
                SELECT id FROM generations
                WHERE \(GenerationSQL.stateIn(.submitted, .cancelRequested)) AND provider_request_id IS NOT NULL AND next_poll_at <= now()
                  AND (lease_token IS NULL OR lease_expires_at < now())
                ORDER BY next_poll_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
            ), claimed AS (
            UPDATE generations g SET lease_token = \(token), lease_expires_at = now() + \(settings.lease.seconds) * interval '1 second',
                leased_by = \(settings.workerID)
            FROM candidate WHERE g.id = candidate.id
            \(unescaped: Self.returning)
            )
            \(unescaped: Self.withAccount)
            """, logger: logger))
    }

    /// Keeps a lease alive during a long call; false when the lease is gone.
    func heartbeat(_ job: ClaimedJob) async throws -> Bool {
        let rows = try await db.query("""
            UPDATE generations SET lease_expires_at = now() + \(settings.lease.seconds) * interval '1 second'
            WHERE id = \(job.id) AND lease_token = \(job.leaseToken) RETURNING id
            """, logger: logger)
        return try await rows.decode(UUID.self).firstElement() != nil
    }

    /// Records that the POST is about to leave, and what it carries; false when the lease is
    /// gone (then nothing is sent).
    func markPosting(_ job: ClaimedJob, sentBody: SentRequestBody? = nil) async throws -> Bool {
        let rows = try await db.query("""
            UPDATE generations SET post_started_at = clock_timestamp(), sent_request_body = \(sentBody?.jsonText)::jsonb
            WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND \(GenerationSQL.stateIn(.submitting, .cancelRequested)) RETURNING id
            """, logger: logger)
        return try await rows.decode(UUID.self).firstElement() != nil
    }

    /// Gives a polling lease back (shutdown): another worker can poll at once.
    func release(_ job: ClaimedJob) async throws {
        try await db.query("""
            UPDATE generations SET \(GenerationSQL.clearLease) WHERE id = \(job.id) AND lease_token = \(job.leaseToken)
            """, logger: logger)
    }

    /// Moves expired `submitting` leases to `submit_unknown` (the POST may have been billed)
    /// and frees expired polling leases. One replica at a time; every move is audited (system).
    /// `webhooks`: where `generation.submit_unknown` goes for a job moved there.
    func rescue(audit: AuditRepository, webhooks: WebhookOutbox? = nil) async throws -> (unknown: Int, freed: Int) {
        try await db.transaction(logger: logger) { conn in
            let locked = try await conn.query("SELECT pg_try_advisory_xact_lock(\(Self.rescueLockKey))", logger: logger)
            guard try await locked.decode(Bool.self).firstElement() == true else { return (0, 0) }
            // Died before the POST left: certainly not billed, so it simply goes back to the queue
            // (or, when a person asked to cancel meanwhile, is cancelled and its money released).
            let requeued = try await rows(conn.query("""
                UPDATE generations SET state = \(GenerationSQL.unlessCancelRequested(.queued)),
                    attempt = greatest(attempt - 1, 0), \(GenerationSQL.clearLease), next_attempt_at = now(), updated_at = now()
                WHERE lease_token IS NOT NULL AND lease_expires_at < now() AND post_started_at IS NULL
                  AND \(Self.stillSubmitting)
                RETURNING id, team_id, state
                """, logger: logger))
            let unknown = try await rows(conn.query("""
                UPDATE generations SET state = \(GenerationState.submitUnknown), \(GenerationSQL.clearLease), error_kind = 'ambiguous',
                    error_message = 'the worker stopped while submitting; the provider may have billed it', updated_at = now()
                WHERE lease_token IS NOT NULL AND lease_expires_at < now() AND \(Self.stillSubmitting)
                RETURNING id, team_id, state
                """, logger: logger))
            let freed = try await rows(conn.query("""
                UPDATE generations SET \(GenerationSQL.clearLease)
                WHERE lease_token IS NOT NULL AND lease_expires_at < now() AND \(GenerationSQL.stateIn(.submitted, .cancelRequested))
                  AND provider_request_id IS NOT NULL
                RETURNING id, team_id, state
                """, logger: logger))
            // Money and audit rows only after every row lock is held: writers elsewhere take their
            // row locks before the team's audit lock too, so the two orders never cross.
            for (id, team, state) in requeued {
                if state == .cancelled { try await SpendLedger(logger: logger).release(generation: id, on: conn) }
                try await audit.append(AuditEvent(state == .cancelled ? "generation.cancelled" : "generation.requeued", target: "generation", id: id.uuidString,
                                                  details: ["reason": "the worker stopped before sending it; nothing was billed"]),
                                       team: team, actor: .system, on: conn)
            }
            for (id, team, state) in unknown {
                try await audit.append(AuditEvent("generation.submit_unknown", target: "generation", id: id.uuidString,
                                                  details: ["reason": "the worker stopped while submitting; the provider may have billed it"]),
                                       team: team, actor: .system, on: conn)
                if let webhooks, state == .submitUnknown { try await emitUnknown(id, team: team, webhooks: webhooks, on: conn) }
            }
            for (id, team, _) in freed {
                try await audit.append(AuditEvent("generation.lease_freed", target: "generation", id: id.uuidString,
                                                  details: ["reason": "the polling worker's lease ran out; another worker polls it"]),
                                       team: team, actor: .system, on: conn)
            }
            return (unknown.count, freed.count)
        }
    }

    private func emitUnknown(_ id: UUID, team: UUID, webhooks: WebhookOutbox, on conn: PostgresConnection) async throws {
        let rows = try await conn.query("SELECT provider, model_id, error_message FROM generations WHERE id = \(id)", logger: logger)
        guard let (provider, model, message) = try await rows.decode((String, String, String?).self).firstElement() else { return }
        try await webhooks.emit(.generationSubmitUnknown, GenerationEventData(
            generation_id: id, state: GenerationState.submitUnknown.rawValue, provider: provider, model_id: model, cost_usd: nil, video: nil,
            error: .init(kind: "ambiguous", message: message ?? "")), team: team, on: conn)
    }

    /// A job whose POST may still be on its way (no provider request id yet).
    private static let stillSubmitting: SQLFragment =
        "(state = \(GenerationState.submitting) OR (state = \(GenerationState.cancelRequested) AND provider_request_id IS NULL))"

    private func rows(_ sequence: PostgresRowSequence) async throws -> [(UUID, UUID, GenerationState)] {
        try await sequence.decode((UUID, UUID, GenerationState).self).reduce(into: []) { $0.append($1) }
    }

    private func jobs(_ rows: PostgresRowSequence) async throws -> [ClaimedJob] {
        var result: [ClaimedJob] = []
        for try await row in rows {
            let c = try row.decode((UUID, UUID, GenerationState, Int, Int, String, String, String, UUID?, String, String?, String, String?,
                                    Int, Decimal, UUID, UUID?, Data?, String?, String?, Int?, Bool?).self)
            let params = (try? JSONDecoder().decode(GenerationParameters.self, from: Data(c.11.utf8))) ?? GenerationParameters()
            var job = ClaimedJob(id: c.0, teamID: c.1, state: c.2, attempt: c.3, maxAttempts: c.4,
                                 provider: c.5, modelID: c.6, accountKey: c.7, accountID: c.8, promptText: c.9, negativePrompt: c.10,
                                 params: params, providerRequestID: c.12, pollCount: c.13, estimate: c.14, leaseToken: c.15)
            if let id = c.16, let sealed = c.17, let mode = c.19, let limit = c.20, let removed = c.21 {
                job.account = SealedAccount(id: id, sealedKey: sealed, baseURL: c.18, mode: mode, concurrencyLimit: limit, removed: removed)
            }
            result.append(job)
        }
        return result
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
