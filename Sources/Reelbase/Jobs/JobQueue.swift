import Foundation
import Logging
import PostgresNIO

/// The job queue's SQL: enqueue, the one claim (SKIP LOCKED, committed before the work runs),
/// fenced writes by lease token, and the rescuer. A fenced write that matches no row means the
/// lease was lost (the rescuer or another worker owns the job now): it changes nothing.
/// Every time comes from `clock`, so tests move time instead of sleeping.
struct JobQueue: Sendable {
    let db: PostgresClient
    let settings: JobSettings
    let clock: any WallClock
    let logger: Logger
    static let notifyChannel = "reelbase_jobs"

    /// A job a worker holds a lease on. Every write it makes names `leaseToken`.
    struct Claimed: Sendable {
        let id: UUID
        let kind: String
        let team: UUID?
        let payload: Data
        /// 1 on the first run.
        let attempt: Int
        let maxAttempts: Int
        let leaseToken: UUID
        let claimedAt: Date
    }

    /// What a failed run led to.
    enum AfterFailure: Equatable, Sendable {
        case retry(at: Date)
        case dead
        /// The lease was gone: the write changed nothing.
        case leaseLost
    }

    /// Adds a job; returns its id, or nil when a job with the same `dedupeKey` already exists.
    /// Wakes idle workers through pg_notify.
    @discardableResult
    func enqueue<Handler: JobHandler>(_ handler: Handler.Type, _ payload: Handler.Payload, team: UUID? = nil,
                                      runAt: Date? = nil, dedupeKey: String? = nil) async throws -> UUID? {
        try await db.withConnection { try await enqueue(handler, payload, team: team, runAt: runAt, dedupeKey: dedupeKey, on: $0) }
    }

    /// The same inside the caller's transaction: the job exists (and workers wake) only if it commits.
    @discardableResult
    func enqueue<Handler: JobHandler>(_ handler: Handler.Type, _ payload: Handler.Payload, team: UUID? = nil,
                                      runAt: Date? = nil, dedupeKey: String? = nil, on conn: PostgresConnection) async throws -> UUID? {
        let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        let now = clock.now()
        // The notify rides in the same statement, once per row inserted (none for a duplicate).
        let rows = try await conn.query("""
            WITH added AS (
                INSERT INTO jobs (kind, team_id, payload, state, max_attempts, run_at, dedupe_key, created_at, updated_at)
                VALUES (\(Handler.kind), \(team), \(json)::jsonb, \(JobState.queued), \(Handler.maxAttempts), \(runAt ?? now),
                        \(dedupeKey), \(now), \(now))
                ON CONFLICT (kind, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
                RETURNING id
            )
            SELECT id FROM added, LATERAL (SELECT pg_notify(\(Self.notifyChannel), '')) notified
            """, logger: logger)
        return try await rows.decode(UUID.self).firstElement()
    }

    /// Claims the next due job of one of `kinds`, or of `late` (kinds yielding to paid work)
    /// once it has waited `settings.yieldAtMost`. The statement commits on its own, so the claim
    /// (state `running`, a fresh lease token, attempts + 1) is durable before any work starts.
    func claim(kinds: [String], late: [String] = []) async throws -> Claimed? {
        let token = UUID()
        let now = clock.now()
        let rows = try await db.query("""
            WITH next AS (
                SELECT id FROM jobs
                WHERE state = \(JobState.queued) AND run_at <= \(now)
                  AND (kind = ANY(\(kinds)) OR (kind = ANY(\(late)) AND run_at <= \(now.addingTimeInterval(-settings.yieldAtMost.seconds))))
                ORDER BY run_at, created_at
                LIMIT 1
                -- SKIP LOCKED: a row another worker is claiming right now is passed over instead of
                -- waited for, so concurrent claimers each take a different job and none blocks.
                -- FOR UPDATE re-checks `state` on the latest row version, so a job claimed and
                -- committed meanwhile is never taken twice.
                FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs j SET state = \(JobState.running), attempts = j.attempts + 1, lease_token = \(token),
                lease_expires_at = \(now.adding(settings.lease)), leased_by = \(settings.workerID), updated_at = \(now)
            FROM next WHERE j.id = next.id
            RETURNING j.id, j.kind, j.team_id, j.payload::text, j.attempts, j.max_attempts
            """, logger: logger)
        guard let row = try await rows.decode((UUID, String, UUID?, String, Int, Int).self).firstElement() else { return nil }
        return Claimed(id: row.0, kind: row.1, team: row.2, payload: Data(row.3.utf8), attempt: row.4, maxAttempts: row.5,
                       leaseToken: token, claimedAt: now)
    }

    /// Keeps a lease alive during long work; false when the lease is gone.
    func heartbeat(_ job: Claimed) async throws -> Bool {
        try await written(db.query("""
            UPDATE jobs SET lease_expires_at = \(clock.now().adding(settings.lease)) WHERE \(leaseHeldBy: job) RETURNING id
            """, logger: logger))
    }

    /// Records success; false when the lease was lost (the result is dropped).
    func complete(_ job: Claimed) async throws -> Bool {
        let now = clock.now()
        return try await written(db.query("""
            UPDATE jobs SET state = \(JobState.succeeded), lease_token = NULL, lease_expires_at = NULL, finished_at = \(now), updated_at = \(now)
            WHERE \(leaseHeldBy: job) RETURNING id
            """, logger: logger))
    }

    /// Records a failed run: another try after a backoff, or `dead` when this was the last attempt.
    func fail(_ job: Claimed, error: String) async throws -> AfterFailure {
        let now = clock.now()
        let dead = job.attempt >= job.maxAttempts
        let retryAt = now.addingTimeInterval(settings.backoff(afterAttempt: job.attempt))
        let message = String(error.prefix(2000))
        let recorded = try await written(db.query("""
            UPDATE jobs SET state = \(dead ? JobState.dead : JobState.queued), run_at = \(dead ? now : retryAt), last_error = \(message),
                lease_token = NULL, lease_expires_at = NULL, finished_at = \(dead ? now : nil), updated_at = \(now)
            WHERE \(leaseHeldBy: job) RETURNING id
            """, logger: logger))
        guard recorded else { return .leaseLost }
        return dead ? .dead : .retry(at: retryAt)
    }

    /// Gives a job back untouched (shutdown cancelled it): the attempt does not count.
    func release(_ job: Claimed) async throws -> Bool {
        let now = clock.now()
        return try await written(db.query("""
            UPDATE jobs SET state = \(JobState.queued), attempts = greatest(attempts - 1, 0), run_at = \(now),
                lease_token = NULL, lease_expires_at = NULL, updated_at = \(now)
            WHERE \(leaseHeldBy: job) RETURNING id
            """, logger: logger))
    }

    /// Jobs whose worker died or stalled past its lease: back to the queue at once, or `dead`
    /// when that was the last attempt. Safe on every replica at once: each row moves once.
    func rescue() async throws -> (requeued: Int, dead: Int) {
        let now = clock.now()
        let rows = try await db.query("""
            UPDATE jobs SET
                state = CASE WHEN attempts >= max_attempts THEN \(JobState.dead) ELSE \(JobState.queued) END,
                finished_at = CASE WHEN attempts >= max_attempts THEN \(now) END,
                last_error = 'the lease expired during attempt ' || attempts || ' (worker stopped or stalled)',
                run_at = \(now), lease_token = NULL, lease_expires_at = NULL, updated_at = \(now)
            WHERE state = \(JobState.running) AND lease_expires_at < \(now)
            RETURNING state
            """, logger: logger)
        var requeued = 0, dead = 0
        for try await state in rows.decode(JobState.self) {
            if state == .dead { dead += 1 } else { requeued += 1 }
        }
        return (requeued, dead)
    }

    /// True when the fenced write matched its row.
    private func written(_ rows: PostgresRowSequence) async throws -> Bool {
        try await rows.decode(UUID.self).firstElement() != nil
    }
}

extension PostgresQuery.StringInterpolation {
    /// The fence on every write after a claim: the row, while this worker still holds its lease.
    mutating func appendInterpolation(leaseHeldBy job: JobQueue.Claimed) throws {
        appendLiteral("id = ")
        appendInterpolation(job.id)
        appendLiteral(" AND lease_token = ")
        appendInterpolation(job.leaseToken)
        appendLiteral(" AND state = ")
        try appendInterpolation(JobState.running)
    }
}

extension Date {
    func adding(_ duration: Duration) -> Date { addingTimeInterval(duration.seconds) }
}
