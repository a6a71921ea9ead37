import Foundation
import Logging
import PostgresNIO

/// Share links, scoped by team for the team's routes; `open(token:)` is the one way in for the
/// public routes and answers nil alike for a made-up, tampered, expired or revoked token.
struct ShareLinkRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let tokens: ShareTokens
    let logger: Logger

    /// A campaign link shows at most this many approved takes (the newest).
    static let campaignTakeLimit = 200

    private static let columns = """
        SELECT l.id, l.kind, l.generation_ids, l.campaign_id, l.storyboard_id, l.cut_number, l.title, l.password_hash IS NOT NULL, l.expires_at, l.revoked_at,
               l.created_by, l.created_at, l.views, l.last_viewed_at,
               CASE WHEN l.revoked_at IS NOT NULL THEN 'revoked' WHEN l.expires_at <= now() THEN 'expired' ELSE 'active' END,
               (extract(epoch FROM l.created_at) * 1000000)::int8
        FROM share_links l
        """

    enum Creation: Sendable {
        case created(ShareLink, token: String)
        /// A named take is not this team's, or has no video yet.
        case takeNotFound(UUID)
        case takeNotReady(UUID, GenerationState)
        case campaignNotFound
        case nothingApproved
        /// The named cut is not this team's.
        case cutNotFound
        case cutNotReady(Cut.State)
    }

    func create(team: UUID, kind: ShareKind, takes named: [UUID], campaign: UUID?, cut: SharedCutTarget?, title: String?, days: Int,
                passwordHash: String?, createdBy: UUID?, actor: AuditActor) async throws -> Creation {
        try await db.transaction(logger: logger) { conn in
            var takes = named
            if let cut {
                let found = try await conn.query("""
                    SELECT state FROM storyboard_cuts WHERE team_id = \(team) AND storyboard_id = \(cut.storyboard) AND number = \(cut.number)
                    FOR KEY SHARE
                    """, logger: logger)
                guard let state = try await found.decode(String.self).firstElement() else { return .cutNotFound }
                guard state == Cut.State.ready.rawValue else { return .cutNotReady(Cut.State(rawValue: state) ?? .failed) }
            }
            if let campaign {
                let found = try await conn.query("SELECT 1 FROM campaigns WHERE team_id = \(team) AND id = \(campaign)", logger: logger)
                guard try await found.decode(Int.self).firstElement() != nil else { return .campaignNotFound }
                let approved = try await conn.query("""
                    SELECT g.id FROM generations g JOIN take_reviews r ON r.generation_id = g.id
                    WHERE g.team_id = \(team) AND g.campaign_id = \(campaign) AND r.team_id = \(team)
                      AND r.verdict = \(Verdict.approved.rawValue) AND g.state = \(GenerationState.succeeded)
                    ORDER BY g.created_at DESC, g.id DESC LIMIT \(Self.campaignTakeLimit)
                    """, logger: logger)
                takes = try await approved.decode(UUID.self).reduce(into: []) { $0.append($1) }
                guard !takes.isEmpty else { return .nothingApproved }
            }
            let states = try await conn.query("SELECT id, state FROM generations WHERE team_id = \(team) AND id = ANY(\(takes))", logger: logger)
            var found: [UUID: GenerationState] = [:]
            for try await (id, state) in states.decode((UUID, GenerationState).self) { found[id] = state }
            for take in takes {
                guard let state = found[take] else { return .takeNotFound(take) }
                guard state == .succeeded else { return .takeNotReady(take, state) }
            }
            let id = UUID()
            let token = tokens.issue(link: id)
            try await conn.query("""
                INSERT INTO share_links (id, team_id, kind, generation_ids, campaign_id, storyboard_id, cut_number, title, token_sha256,
                                         password_hash, expires_at, created_by)
                VALUES (\(id), \(team), \(kind.rawValue), \(takes), \(campaign), \(cut?.storyboard), \(cut?.number), \(title),
                        \(ShareTokens.digest(token)), \(passwordHash), now() + \(days) * interval '1 day', \(createdBy))
                """, logger: logger)
            var details: [String: JSONValue] = [
                "kind": .string(kind.rawValue), "generation_ids": .array(takes.map { .string($0.uuidString.lowercased()) }),
                "days": .number(Double(days)), "password": .bool(passwordHash != nil),
            ]
            if let cut {
                details["storyboard_id"] = .string(cut.storyboard.uuidString.lowercased())
                details["cut_number"] = .number(Double(cut.number))
            }
            try await audit.append(AuditEvent("share_link.created", target: "share_link", id: id.uuidString.lowercased(), details: .object(details)),
                                   team: team, actor: actor, on: conn)
            guard let link = try await Self.fetch("\(unescaped: Self.columns) WHERE l.team_id = \(team) AND l.id = \(id)", on: conn, logger: logger).first?.0 else {
                return .takeNotFound(takes.first ?? id)
            }
            return .created(link, token: token)
        }
    }

    func find(team: UUID, id: UUID) async throws -> ShareLink? {
        try await db.withConnection { conn in
            try await Self.fetch("\(unescaped: Self.columns) WHERE l.team_id = \(team) AND l.id = \(id)", on: conn, logger: logger).first?.0
        }
    }

    /// Newest first; `generation` keeps the links that show that take.
    func list(team: UUID, generation: UUID?, after cursor: ListCursor?, limit: Int) async throws -> [(ShareLink, ListCursor)] {
        var conditions: [SQLFragment] = ["l.team_id = \(team)"]
        if let generation { conditions.append("\(generation) = ANY(l.generation_ids)") }
        if let cursor { conditions.append(cursor.after("l")) }
        let query: PostgresQuery = try "\(unescaped: Self.columns) WHERE \(all: conditions) ORDER BY l.created_at DESC, l.id DESC LIMIT \(limit + 1)"
        return try await db.withConnection { try await Self.fetch(query, on: $0, logger: logger) }
    }

    /// Revokes at once (idempotent); nil when the team has no such link.
    func revoke(team: UUID, id: UUID, actor: AuditActor) async throws -> ShareLink? {
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                UPDATE share_links SET revoked_at = coalesce(revoked_at, now()) WHERE team_id = \(team) AND id = \(id) RETURNING 1
                """, logger: logger)
            guard try await rows.decode(Int.self).firstElement() != nil else { return nil }
            try await audit.append(AuditEvent("share_link.revoked", target: "share_link", id: id.uuidString.lowercased()), team: team, actor: actor, on: conn)
            return try await Self.fetch("\(unescaped: Self.columns) WHERE l.team_id = \(team) AND l.id = \(id)", on: conn, logger: logger).first?.0
        }
    }

    /// The link behind a token, if it is genuine, live and not revoked; nil otherwise, whatever the reason.
    func open(token: String) async throws -> SharedAccess? {
        guard let id = tokens.link(of: token) else { return nil }
        let rows = try await db.query("""
            SELECT team_id, kind, generation_ids, campaign_id, storyboard_id, cut_number, title, expires_at, password_hash, token_sha256
            FROM share_links WHERE id = \(id) AND revoked_at IS NULL AND expires_at > now()
            """, logger: logger)
        guard let c = try await rows.decode((UUID, String, [UUID], UUID?, UUID?, Int?, String?, Date, String?, Data).self).firstElement(),
              Digests.constantTimeEqual(c.9, ShareTokens.digest(token)), let kind = ShareKind(rawValue: c.1) else { return nil }
        let cut = c.4.flatMap { storyboard in c.5.map { SharedCutTarget(storyboard: storyboard, number: $0) } }
        return SharedAccess(link: id, team: c.0, kind: kind, generationIDs: c.2, campaignID: c.3, cut: cut, title: c.6, expiresAt: c.7, passwordHash: c.8)
    }

    /// Counts and audits one opening of the review page.
    func recordView(_ access: SharedAccess, ip: String?) async throws {
        try await db.transaction(logger: logger) { conn in
            try await conn.query("UPDATE share_links SET views = views + 1, last_viewed_at = now() WHERE id = \(access.link)", logger: logger)
            try await audit.append(AuditEvent("share_link.viewed", target: "share_link", id: access.link.uuidString.lowercased()),
                                   team: access.team, actor: Self.actor(access, ip: ip), on: conn)
        }
    }

    /// A client acting through a link: audited with the link as the actor.
    static func actor(_ access: SharedAccess, ip: String?) -> AuditActor { AuditActor(type: "share_link", id: access.link, ip: ip) }

    private static func fetch(_ query: PostgresQuery, on conn: PostgresConnection, logger: Logger) async throws -> [(ShareLink, ListCursor)] {
        let rows = try await conn.query(query, logger: logger)
        var result: [(ShareLink, ListCursor)] = []
        for try await row in rows {
            let c = try row.decode((UUID, String, [UUID], UUID?, UUID?, Int?, String?, Bool, Date, Date?, UUID?, Date, Int64, Date?, String, Int64).self)
            guard let kind = ShareKind(rawValue: c.1) else { continue }
            result.append((ShareLink(id: c.0, kind: kind, generation_ids: c.2, campaign_id: c.3, storyboard_id: c.4, cut_number: c.5, title: c.6,
                                     has_password: c.7, expires_at: c.8, revoked_at: c.9, created_by: c.10, created_at: c.11, views: c.12,
                                     last_viewed_at: c.13, status: c.14),
                           ListCursor(micros: c.15, id: c.0)))
        }
        return result
    }
}
