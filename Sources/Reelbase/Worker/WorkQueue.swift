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
    /// Claims are serialised across replicas (they take a millisecond), so per-account
    /// concurrency limits hold exactly.
    static let claimLockKey: Int64 = 0x7265_656C_636C_6169
    static let rescueLockKey: Int64 = 0x7265_656C_7265_7363

    private static let returning = """
        RETURNING g.id, g.team_id, g.state, g.attempt, g.max_attempts, g.provider, g.model_id, g.account_key, g.account_id,
                  g.prompt_text, g.negative_prompt, g.params::text, g.provider_request_id, g.poll_count, g.estimated_cost_usd, g.lease_token
        """

    /// The next queued job whose account is neither paused nor at its concurrency limit.
    func claimSubmission() async throws -> ClaimedJob? {
        let token = UUID()
        return try await db.transaction(logger: logger) { conn in
            try await conn.query("SELECT pg_advisory_xact_lock(\(Self.claimLockKey))", logger: logger)
            return try await job(conn.query("""
                WITH candidate AS (
                    SELECT g.id FROM generations g
                    WHERE g.state = 'queued' AND g.next_attempt_at <= now()
                      AND NOT EXISTS (SELECT 1 FROM provider_pauses p WHERE p.account_key = g.account_key AND p.paused_until > now())
                      AND (SELECT count(*) FROM generations x WHERE x.account_key = g.account_key
                             AND x.state IN ('submitting', 'submitted', 'cancel_requested')) < g.concurrency_limit
                    ORDER BY g.next_attempt_at, g.created_at
                    LIMIT 1 FOR UPDATE SKIP LOCKED
                )
                UPDATE generations g SET state = 'submitting', attempt = g.attempt + 1, lease_token = \(token), post_started_at = NULL,
                    lease_expires_at = now() + \(settings.lease.seconds) * interval '1 second', leased_by = \(settings.workerID), updated_at = now()
                FROM candidate WHERE g.id = candidate.id
                \(unescaped: Self.returning)
                """, logger: logger))
        }
    }

    /// The next submitted job due for a status poll whose lease is free.
    func claimPoll() async throws -> ClaimedJob? {
        let token = UUID()
        return try await job(db.query("""
            WITH candidate AS (
                SELECT id FROM generations
                WHERE state IN ('submitted', 'cancel_requested') AND provider_request_id IS NOT NULL AND next_poll_at <= now()
                  AND (lease_token IS NULL OR lease_expires_at < now())
                ORDER BY next_poll_at LIMIT 1 FOR UPDATE SKIP LOCKED
            )
            UPDATE generations g SET lease_token = \(token), lease_expires_at = now() + \(settings.lease.seconds) * interval '1 second',
                leased_by = \(settings.workerID)
            FROM candidate WHERE g.id = candidate.id
            \(unescaped: Self.returning)
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
            WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND state IN ('submitting', 'cancel_requested') RETURNING id
            """, logger: logger)
        return try await rows.decode(UUID.self).firstElement() != nil
    }

    /// Gives a polling lease back (shutdown): another worker can poll at once.
    func release(_ job: ClaimedJob) async throws {
        try await db.query("""
            UPDATE generations SET lease_token = NULL, lease_expires_at = NULL WHERE id = \(job.id) AND lease_token = \(job.leaseToken)
            """, logger: logger)
    }

    /// Moves expired `submitting` leases to `submit_unknown` (the POST may have been billed)
    /// and frees expired polling leases. One replica at a time; every move is audited (system).
    func rescue(audit: AuditRepository) async throws -> (unknown: Int, freed: Int) {
        try await db.transaction(logger: logger) { conn in
            let locked = try await conn.query("SELECT pg_try_advisory_xact_lock(\(Self.rescueLockKey))", logger: logger)
            guard try await locked.decode(Bool.self).firstElement() == true else { return (0, 0) }
            // Died before the POST left: certainly not billed, so it simply goes back to the queue
            // (or, when a person asked to cancel meanwhile, is cancelled and its money released).
            let requeued = try await rows(conn.query("""
                UPDATE generations SET state = CASE WHEN state = 'cancel_requested' THEN 'cancelled' ELSE 'queued' END,
                    attempt = greatest(attempt - 1, 0), lease_token = NULL, lease_expires_at = NULL, next_attempt_at = now(), updated_at = now()
                WHERE lease_token IS NOT NULL AND lease_expires_at < now() AND post_started_at IS NULL
                  AND (state = 'submitting' OR (state = 'cancel_requested' AND provider_request_id IS NULL))
                RETURNING id, team_id, state
                """, logger: logger))
            let unknown = try await rows(conn.query("""
                UPDATE generations SET state = 'submit_unknown', lease_token = NULL, lease_expires_at = NULL, error_kind = 'ambiguous',
                    error_message = 'the worker stopped while submitting; the provider may have billed it', updated_at = now()
                WHERE lease_token IS NOT NULL AND lease_expires_at < now()
                  AND (state = 'submitting' OR (state = 'cancel_requested' AND provider_request_id IS NULL))
                RETURNING id, team_id, state
                """, logger: logger))
            let freed = try await rows(conn.query("""
                UPDATE generations SET lease_token = NULL, lease_expires_at = NULL
                WHERE lease_token IS NOT NULL AND lease_expires_at < now() AND state IN ('submitted', 'cancel_requested')
                  AND provider_request_id IS NOT NULL
                RETURNING id, team_id, state
                """, logger: logger))
            // Money and audit rows only after every row lock is held: writers elsewhere take their
            // row locks before the team's audit lock too, so the two orders never cross.
            for (id, team, state) in requeued {
                if state == "cancelled" { try await SpendLedger(logger: logger).release(generation: id, on: conn) }
                try await audit.append(AuditEvent(state == "cancelled" ? "generation.cancelled" : "generation.requeued", target: "generation", id: id.uuidString,
                                                  details: ["reason": "the worker stopped before sending it; nothing was billed"]),
                                       team: team, actor: .system, on: conn)
            }
            for (id, team, _) in unknown {
                try await audit.append(AuditEvent("generation.submit_unknown", target: "generation", id: id.uuidString,
                                                  details: ["reason": "the worker stopped while submitting; the provider may have billed it"]),
                                       team: team, actor: .system, on: conn)
            }
            for (id, team, _) in freed {
                try await audit.append(AuditEvent("generation.lease_freed", target: "generation", id: id.uuidString,
                                                  details: ["reason": "the polling worker's lease ran out; another worker polls it"]),
                                       team: team, actor: .system, on: conn)
            }
            return (unknown.count, freed.count)
        }
    }

    private func rows(_ sequence: PostgresRowSequence) async throws -> [(UUID, UUID, String)] {
        try await sequence.decode((UUID, UUID, String).self).reduce(into: []) { $0.append($1) }
    }

    private func job(_ rows: PostgresRowSequence) async throws -> ClaimedJob? {
        guard let c = try await rows.decode((UUID, UUID, String, Int, Int, String, String, String, UUID?, String, String?, String, String?,
                                             Int, Decimal, UUID).self).firstElement() else { return nil }
        let params = (try? JSONDecoder().decode(GenerationParameters.self, from: Data(c.11.utf8))) ?? GenerationParameters()
        return ClaimedJob(id: c.0, teamID: c.1, state: GenerationState(rawValue: c.2) ?? .submitting, attempt: c.3, maxAttempts: c.4,
                          provider: c.5, modelID: c.6, accountKey: c.7, accountID: c.8, promptText: c.9, negativePrompt: c.10,
                          params: params, providerRequestID: c.12, pollCount: c.13, estimate: c.14, leaseToken: c.15)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
