import Foundation
import Logging
import PostgresNIO

/// Ratings, verdicts and timecode comments on takes, always scoped by team. Every change is
/// audited and put on the event stream (`take.verdict`, `take.comment`) in its transaction.
struct ReviewRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let logger: Logger

    /// A comment on a take whose length is unknown may sit anywhere in this many seconds.
    static let unknownDurationLimit = 600.0

    enum Change<Value: Sendable>: Sendable {
        case done(Value)
        case notFound
        /// Only a take with a video (succeeded) can be reviewed.
        case notReviewable(GenerationState)
        case outsideVideo(duration: Double)
    }

    /// The member's name as reviews show it (their name, else their email).
    func reviewer(_ identity: Identity) async throws -> Reviewer {
        guard let user = identity.userID else { return Reviewer(name: "API key", user: nil, link: nil) }
        let rows = try await db.query("""
            SELECT coalesce(nullif(u.name, ''), u.email) FROM users u
            JOIN memberships m ON m.user_id = u.id AND m.team_id = \(identity.teamID) WHERE u.id = \(user)
            """, logger: logger)
        return Reviewer(name: try await rows.decode(String.self).firstElement() ?? "Former member", user: user, link: nil)
    }

    func review(team: UUID, generation: UUID) async throws -> TakeReview? {
        let rows = try await db.query("""
            SELECT g.id, (g.params->>'duration')::float8, r.rating::int, r.rated_by_name, r.rated_at,
                   r.verdict, r.verdict_by_name, r.verdict_via_link IS NOT NULL, r.verdict_at
            FROM generations g LEFT JOIN take_reviews r ON r.generation_id = g.id
            WHERE g.team_id = \(team) AND g.id = \(generation)
            """, logger: logger)
        guard let c = try await rows.decode((UUID, Double?, Int?, String?, Date?, String?, String?, Bool?, Date?).self).firstElement() else {
            return nil
        }
        return TakeReview(generation_id: c.0, duration_seconds: c.1 ?? Self.unknownDurationLimit,
                          rating: c.2, rated_by: c.3.map { ReviewAuthor(name: $0, client: false) }, rated_at: c.4,
                          verdict: c.5.flatMap(Verdict.init(rawValue:)), verdict_by: c.6.map { ReviewAuthor(name: $0, client: c.7 ?? false) },
                          verdict_at: c.8, comments: try await comments(team: team, generation: generation))
    }

    func comments(team: UUID, generation: UUID) async throws -> [TakeComment] {
        let rows = try await db.query("""
            SELECT id, generation_id, at_seconds::float8, body, author_name, via_link IS NOT NULL, created_at FROM take_comments
            WHERE team_id = \(team) AND generation_id = \(generation) ORDER BY at_seconds, created_at, id
            """, logger: logger)
        return try await rows.decode((UUID, UUID, Double, String, String, Bool, Date).self).reduce(into: []) {
            $0.append(TakeComment(id: $1.0, generation_id: $1.1, at_seconds: $1.2, body: $1.3,
                                  author: ReviewAuthor(name: $1.4, client: $1.5), created_at: $1.6))
        }
    }

    /// Sets the rating and/or verdict (a `nil` inside clears it).
    func update(team: UUID, generation: UUID, rating: Int??, verdict: Verdict??, by reviewer: Reviewer, actor: AuditActor) async throws -> Change<Void> {
        try await db.transaction(logger: logger) { conn in
            guard let take = try await Self.take(team: team, generation: generation, on: conn, logger: logger) else { return .notFound }
            guard take.state == .succeeded else { return .notReviewable(take.state) }
            try await conn.query("""
                INSERT INTO take_reviews (generation_id, team_id) VALUES (\(generation), \(team)) ON CONFLICT (generation_id) DO NOTHING
                """, logger: logger)
            var details: [String: JSONValue] = ["name": .string(reviewer.name), "client": .bool(reviewer.link != nil)]
            if let rating {
                try await conn.query("""
                    UPDATE take_reviews SET rating = \(rating.map(Int16.init)), rated_by_name = \(reviewer.name), rated_by_user = \(reviewer.user),
                        rated_at = now() WHERE generation_id = \(generation)
                    """, logger: logger)
                details["rating"] = rating.map { .number(Double($0)) } ?? .null
            }
            if let verdict {
                try await conn.query("""
                    UPDATE take_reviews SET verdict = \(verdict?.rawValue), verdict_by_name = \(reviewer.name), verdict_by_user = \(reviewer.user),
                        verdict_via_link = \(reviewer.link), verdict_at = now() WHERE generation_id = \(generation)
                    """, logger: logger)
                details["verdict"] = verdict.map { .string($0.rawValue) } ?? .null
                let by: JSONValue = ["name": .string(reviewer.name), "client": .bool(reviewer.link != nil)]
                try await Self.recordEvent("take.verdict", ["verdict": details["verdict"] ?? .null, "by": by], team: team, generation: generation, on: conn, logger: logger)
            }
            try await audit.append(AuditEvent("take.review", target: "generation", id: generation.uuidString.lowercased(), details: .object(details)),
                                   team: team, actor: actor, on: conn)
            return .done(())
        }
    }

    func addComment(team: UUID, generation: UUID, body: String, at seconds: Double, by reviewer: Reviewer, actor: AuditActor) async throws -> Change<TakeComment> {
        try await db.transaction(logger: logger) { conn in
            guard let take = try await Self.take(team: team, generation: generation, on: conn, logger: logger) else { return .notFound }
            guard take.state == .succeeded else { return .notReviewable(take.state) }
            let duration = take.duration ?? Self.unknownDurationLimit
            guard seconds <= duration else { return .outsideVideo(duration: duration) }
            let at = (seconds * 1000).rounded() / 1000
            let rows = try await conn.query("""
                INSERT INTO take_comments (team_id, generation_id, at_seconds, body, author_name, author_user, via_link)
                VALUES (\(team), \(generation), \(at)::numeric(9,3), \(body), \(reviewer.name), \(reviewer.user), \(reviewer.link))
                RETURNING id, created_at
                """, logger: logger)
            guard let (id, created) = try await rows.decode((UUID, Date).self).firstElement() else { return .notFound }
            let comment = TakeComment(id: id, generation_id: generation, at_seconds: at, body: body,
                                      author: ReviewAuthor(name: reviewer.name, client: reviewer.link != nil), created_at: created)
            let author: JSONValue = ["name": .string(reviewer.name), "client": .bool(reviewer.link != nil)]
            try await Self.recordEvent("take.comment", ["comment_id": .string(id.uuidString.lowercased()), "at_seconds": .number(at), "author": author],
                                       team: team, generation: generation, on: conn, logger: logger)
            try await audit.append(AuditEvent("take.comment", target: "generation", id: generation.uuidString.lowercased(),
                                              details: ["comment_id": .string(id.uuidString.lowercased()), "at_seconds": .number(at),
                                                        "name": .string(reviewer.name), "client": .bool(reviewer.link != nil)]),
                                   team: team, actor: actor, on: conn)
            return .done(comment)
        }
    }

    struct Take { let state: GenerationState; let duration: Double? }

    static func take(team: UUID, generation: UUID, on conn: PostgresConnection, logger: Logger) async throws -> Take? {
        let rows = try await conn.query("""
            SELECT state, (params->>'duration')::float8 FROM generations WHERE team_id = \(team) AND id = \(generation) FOR SHARE
            """, logger: logger)
        return try await rows.decode((GenerationState, Double?).self).firstElement().map { Take(state: $0.0, duration: $0.1) }
    }

    /// A row on the team's event stream (`GET /events`, sent as `event: <kind>` with `data` plus
    /// its id and time), next to the trigger's state changes.
    static func recordEvent(_ kind: String, _ detail: JSONValue, team: UUID, generation: UUID, on conn: PostgresConnection, logger: Logger) async throws {
        try await conn.query("""
            INSERT INTO generation_events (team_id, generation_id, campaign_id, status, has_poster, kind, data)
            SELECT team_id, id, campaign_id, state, poster_blob_id IS NOT NULL, \(kind),
                   jsonb_build_object('generation_id', id, 'campaign_id', campaign_id, 'status', state) || \(detail.jsonText)::jsonb
            FROM generations WHERE team_id = \(team) AND id = \(generation)
            """, logger: logger)
        try await conn.query("SELECT pg_notify(\(GenerationEventHub.channel), \(team.uuidString.lowercased()))", logger: logger)
    }
}
