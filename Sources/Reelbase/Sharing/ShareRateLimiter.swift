import Foundation
import Logging
import PostgresNIO

/// Limits on the public share routes, per link and per client address, in fixed one-minute
/// windows kept in PostgreSQL (so every replica counts together). A client over a limit gets
/// 429 with Retry-After; old windows are deleted by `prune_expired_rows`.
struct ShareRateLimiter: Sendable {
    enum Action: String, Sendable {
        /// Opening the page, reading what it covers, streaming a video or poster.
        case view
        /// A verdict or a comment.
        case decide
        /// A password try.
        case unlock
    }

    struct Limits: Sendable {
        var perLink: Int
        var perAddress: Int
    }

    let db: PostgresClient
    let logger: Logger
    var limits: [Action: Limits] = [
        .view: Limits(perLink: 600, perAddress: 600),
        .decide: Limits(perLink: 30, perAddress: 30),
        .unlock: Limits(perLink: 10, perAddress: 10),
    ]

    /// Counts the hit on both buckets and throws 429 when either is over its limit.
    func admit(_ action: Action, link: UUID, ip: String?) async throws {
        guard let limit = limits[action] else { return }
        let linkBucket = "\(action.rawValue):link:\(link.uuidString.lowercased())"
        let addressBucket = "\(action.rawValue):ip:\(ip ?? "unknown")"
        let rows = try await db.query("""
            INSERT INTO share_link_hits AS h (bucket, window_start, hits)
            VALUES (\(linkBucket), date_trunc('minute', now()), 1), (\(addressBucket), date_trunc('minute', now()), 1)
            ON CONFLICT (bucket, window_start) DO UPDATE SET hits = h.hits + 1
            RETURNING bucket, hits, 60 - extract(second FROM now())::int
            """, logger: logger)
        for try await (bucket, hits, wait) in rows.decode((String, Int, Int).self) {
            let ceiling = bucket == linkBucket ? limit.perLink : limit.perAddress
            if hits > ceiling {
                throw AppError(.tooManyRequests, "rate_limited", "Too many requests on this link; wait a minute and try again.",
                               details: ["retry_after_seconds": .number(Double(max(wait, 1)))])
            }
        }
    }
}
