import Foundation
import Logging
import PostgresNIO

/// Housekeeping, instance-wide: deletes rows nothing reads any more. Safe to run again.
struct PruneExpiredRows: JobHandler {
    struct Payload: Codable, Sendable {}
    static let kind = "prune_expired_rows"

    /// Idempotency keys answer replays for 24 hours (GenerationRepository.claimKey).
    static let idempotencyWindow: TimeInterval = 24 * 3600
    /// Finished jobs stay visible for a while; dead ones longer, for a person to look at.
    static let succeededJobRetention: TimeInterval = 7 * 24 * 3600
    static let deadJobRetention: TimeInterval = 30 * 24 * 3600
    /// A blob still without its digest this long after it was started belongs to an upload whose
    /// process died (PostgresBlobStore.put); its chunks go with it.
    static let incompleteBlobAge: TimeInterval = 3600
    /// `GET /events` resumes from this log; a client away longer is told it missed some (EventController).
    static let eventRetention: TimeInterval = 7 * 24 * 3600

    /// Webhook events and their delivery logs, once none of their deliveries is still pending.
    static let webhookEventRetention: TimeInterval = 30 * 24 * 3600

    let db: PostgresClient
    let logger: Logger

    func run(_ payload: Payload, context: JobContext) async throws {
        let now = context.now
        let sessions = try await delete("DELETE FROM sessions WHERE expires_at < \(now) RETURNING 1")
        let keys = try await delete("""
            DELETE FROM idempotency_keys WHERE created_at < \(now.addingTimeInterval(-Self.idempotencyWindow)) RETURNING 1
            """)
        // Throttle rows idle for a day, unless they remember a recent success (SignInThrottle).
        let failures = try await delete("""
            DELETE FROM sign_in_throttle WHERE updated_at < \(now.addingTimeInterval(-24 * 3600))
              AND (last_success_at IS NULL OR last_success_at < \(now.addingTimeInterval(-30 * 24 * 3600))) RETURNING 1
            """)
        let jobs = try await delete("""
            DELETE FROM jobs WHERE (state = \(JobState.succeeded) AND finished_at < \(now.addingTimeInterval(-Self.succeededJobRetention)))
                OR (state = \(JobState.dead) AND finished_at < \(now.addingTimeInterval(-Self.deadJobRetention))) RETURNING 1
            """)
        let blobs = try await delete("""
            DELETE FROM blobs WHERE sha256 IS NULL AND created_at < \(now.addingTimeInterval(-Self.incompleteBlobAge)) RETURNING 1
            """)
        // Ids grow with time: the primary key walks to the first event kept (no index on `at`).
        let events = try await delete("""
            DELETE FROM generation_events WHERE id < coalesce((SELECT id FROM generation_events
                WHERE at >= \(now.addingTimeInterval(-Self.eventRetention)) ORDER BY id LIMIT 1), 9223372036854775807) RETURNING 1
            """)
        // Rate-limit windows of the share routes are one minute long (ShareRateLimiter).
        let hits = try await delete("DELETE FROM share_link_hits WHERE window_start < \(now.addingTimeInterval(-3600)) RETURNING 1")
        let webhookEvents = try await delete("""
            DELETE FROM webhook_events ev WHERE created_at < \(now.addingTimeInterval(-Self.webhookEventRetention))
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id AND d.state = \(WebhookDeliveryState.pending))
            RETURNING 1
            """)
        context.logger.info("pruned expired rows", metadata: [
            "sessions": "\(sessions)", "idempotency_keys": "\(keys)", "sign_in_throttle": "\(failures)", "jobs": "\(jobs)",
            "incomplete_blobs": "\(blobs)", "generation_events": "\(events)", "webhook_events": "\(webhookEvents)", "share_link_hits": "\(hits)",
        ])
    }

    private func delete(_ query: PostgresQuery) async throws -> Int {
        var count = 0
        for try await _ in try await db.query(query, logger: logger) { count += 1 }
        return count
    }
}
