import Foundation
import Logging
import PostgresNIO

/// A delivery's state, bound into SQL as a parameter.
enum WebhookDeliveryState: String, PostgresCodable, Sendable {
    case pending, succeeded, failed
}

/// When a failed attempt is tried again: about a day in all (5 s, 5 min, 30 min, 2 h, 5 h, 10 h),
/// each delay jittered to 75–100 % so a receiver coming back is not hit by every retry at once.
struct WebhookRetrySchedule: Sendable {
    var delays: [TimeInterval] = [5, 300, 1800, 7200, 18_000, 36_000]

    /// Attempts in all before a delivery is marked failed.
    var maxAttempts: Int { delays.count + 1 }

    /// Seconds until the attempt after failed attempt `attempt` (1-based); nil when it was the last.
    func delay(afterAttempt attempt: Int, random: Double = .random(in: 0.75...1)) -> TimeInterval? {
        guard attempt >= 1, attempt <= delays.count else { return nil }
        return delays[attempt - 1] * random
    }
}

/// The delivery log (per endpoint, scoped by team), redeliver, and the two writes the
/// `deliver_webhook` job makes: reading what to send and recording what happened.
struct WebhookDeliveryRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let jobs: JobQueue
    let schedule: WebhookRetrySchedule
    let logger: Logger

    /// Newest first. nil when the team has no such endpoint.
    func list(team: UUID, endpoint: UUID, after cursor: ListCursor?, limit: Int) async throws -> [(WebhookDelivery, ListCursor)]? {
        let exists = try await db.query("SELECT 1 FROM webhook_endpoints WHERE team_id = \(team) AND id = \(endpoint)", logger: logger)
        guard try await exists.decode(Int.self).firstElement() != nil else { return nil }
        return try await fetch("""
            \(unescaped: Self.columns)
            WHERE d.team_id = \(team) AND d.endpoint_id = \(endpoint)
              AND (\(cursor?.micros)::int8 IS NULL
                   OR (d.created_at, d.id) < (timestamptz 'epoch' + \(cursor?.micros) * interval '1 microsecond', \(cursor?.id)))
            ORDER BY d.created_at DESC, d.id DESC
            LIMIT \(limit + 1)
            """)
    }

    /// Sends the same event (same id, same body) again now, with a fresh round of retries; a retry
    /// that was scheduled before changes nothing. Audited. nil when the team has no such delivery.
    func redeliver(team: UUID, endpoint: UUID, id: UUID, actor: AuditActor) async throws -> WebhookDelivery? {
        let token = UUID()
        let now = jobs.clock.now()
        let found = try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                UPDATE webhook_deliveries SET state = \(WebhookDeliveryState.pending), attempts = 0, job_token = \(token),
                    next_attempt_at = \(now), delivered_at = NULL
                WHERE team_id = \(team) AND endpoint_id = \(endpoint) AND id = \(id) RETURNING event_id
                """, logger: logger)
            guard let event = try await rows.decode(UUID.self).firstElement() else { return false }
            try await jobs.enqueue(DeliverWebhook.self, .init(delivery: id, token: token), team: team, on: conn)
            try await audit.append(AuditEvent("webhook_delivery.redelivered", target: "webhook_delivery", id: id.uuidString.lowercased(), details: [
                "endpoint_id": .string(endpoint.uuidString.lowercased()), "event_id": .string(event.uuidString.lowercased()),
            ]), team: team, actor: actor, on: conn)
            return true
        }
        guard found else { return nil }
        return try await fetch("\(unescaped: Self.columns) WHERE d.team_id = \(team) AND d.id = \(id)").first?.0
    }

    /// What one attempt needs: nil when the delivery is gone, finished, or `token` was replaced.
    struct Due: Sendable {
        let id: UUID
        let team: UUID
        let endpoint: UUID
        let url: String
        let active: Bool
        let sealedSecret: Data
        /// The secret a rotation replaced, while it still signs.
        let previousSealedSecret: Data?
        let eventID: UUID
        let body: String
        /// Attempts made before this one.
        let attempts: Int
    }

    func due(_ delivery: UUID, token: UUID) async throws -> Due? {
        let rows = try await db.query("""
            SELECT d.id, d.team_id, d.endpoint_id, e.url, e.active, e.secret_sealed,
                   CASE WHEN e.previous_secret_until > \(jobs.clock.now()) THEN e.previous_secret_sealed END, d.event_id, ev.body, d.attempts
            FROM webhook_deliveries d
            JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.team_id = d.team_id
            JOIN webhook_events ev ON ev.id = d.event_id
            WHERE d.id = \(delivery) AND d.job_token = \(token) AND d.state = \(WebhookDeliveryState.pending)
            """, logger: logger)
        guard let r = try await rows.decode((UUID, UUID, UUID, String, Bool, Data, Data?, UUID, String, Int).self).firstElement() else { return nil }
        return Due(id: r.0, team: r.1, endpoint: r.2, url: r.3, active: r.4, sealedSecret: r.5, previousSealedSecret: r.6,
                   eventID: r.7, body: r.8, attempts: r.9)
    }

    /// Records one attempt and, when it failed with tries left, schedules the next (a new job,
    /// a new token) in the same transaction. Fenced by the token and the job's lease: after a
    /// lost lease or a redeliver it changes nothing and returns false.
    func record(_ due: Due, token: UUID, result: WebhookAttempt, job: JobContext) async throws -> Bool {
        let now = jobs.clock.now()
        let attempt = due.attempts + 1
        let retryIn = result.succeeded || result.refused ? nil : schedule.delay(afterAttempt: attempt)
        let state: WebhookDeliveryState = result.succeeded ? .succeeded : (retryIn == nil ? .failed : .pending)
        let next = retryIn.map { now.addingTimeInterval($0) }
        let nextToken = UUID()
        return try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                UPDATE webhook_deliveries SET state = \(state), attempts = \(attempt), job_token = \(nextToken),
                    next_attempt_at = \(next), last_attempt_at = \(now), last_status = \(result.status),
                    last_latency_ms = \(result.latencyMs), last_error = \(result.error.map { String($0.prefix(500)) }),
                    delivered_at = \(result.succeeded ? now : nil)
                WHERE id = \(due.id) AND job_token = \(token) AND state = \(WebhookDeliveryState.pending)
                  AND EXISTS (SELECT 1 FROM jobs WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND state = \(JobState.running))
                RETURNING id
                """, logger: logger)
            guard try await rows.decode(UUID.self).firstElement() != nil else { return false }
            if let next {
                try await jobs.enqueue(DeliverWebhook.self, .init(delivery: due.id, token: nextToken), team: due.team, runAt: next, on: conn)
            }
            return true
        }
    }

    /// A delivery whose endpoint was switched off before its turn: failed, nothing sent.
    func abandon(_ due: Due, token: UUID, reason: String) async throws {
        try await db.query("""
            UPDATE webhook_deliveries SET state = \(WebhookDeliveryState.failed), next_attempt_at = NULL, last_error = \(reason)
            WHERE id = \(due.id) AND job_token = \(token) AND state = \(WebhookDeliveryState.pending)
            """, logger: logger)
    }

    private static let columns = """
        SELECT d.id, d.event_id, ev.type, d.state, d.attempts, d.last_status, d.last_latency_ms, d.last_error, d.next_attempt_at,
               d.last_attempt_at, d.delivered_at, d.created_at, (extract(epoch FROM d.created_at) * 1000000)::int8
        FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
        """

    private func fetch(_ query: PostgresQuery) async throws -> [(WebhookDelivery, ListCursor)] {
        var result: [(WebhookDelivery, ListCursor)] = []
        let rows = try await db.query(query, logger: logger)
        for try await r in rows.decode((UUID, UUID, String, String, Int, Int?, Int?, String?, Date?, Date?, Date?, Date, Int64).self) {
            result.append((WebhookDelivery(id: r.0, event_id: r.1, event_type: r.2, status: r.3, attempts: r.4, response_status: r.5,
                                           latency_ms: r.6, last_error: r.7, next_attempt_at: r.8, last_attempt_at: r.9,
                                           delivered_at: r.10, created_at: r.11), ListCursor(micros: r.12, id: r.0)))
        }
        return result
    }
}
