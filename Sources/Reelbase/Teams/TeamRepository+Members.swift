import Foundation
import Logging
import PostgresNIO

/// Changing and ending memberships. Both lock the team row first, so two owners demoting each
/// other at once cannot leave the team without one.
extension TeamRepository {
    /// nil when the person is not a member of this team.
    func changeRole(team: UUID, user: UUID, to role: Role, actor: AuditActor) async throws -> Member? {
        defer { auth.credentials.clear() }  // this replica at once; the others at the notification
        return try await db.transaction(logger: logger) { conn -> Member? in
            guard let current = try await Self.lockedMember(team: team, user: user, on: conn, logger: logger) else { return nil }
            if current.role == role { return current }
            if current.role == .owner { try await Self.requireAnotherOwner(team: team, on: conn, logger: logger, action: "demote") }
            try await conn.query("UPDATE memberships SET role = \(role.rawValue) WHERE team_id = \(team) AND user_id = \(user)", logger: logger)
            try await audit.append(AuditEvent("member.role_changed", target: "user", id: user.uuidString,
                                              details: ["email": .string(current.email), "from": .string(current.role.rawValue), "to": .string(role.rawValue)]),
                                   team: team, actor: actor, on: conn)
            // What this person's keys may do changed: every replica forgets its cached keys.
            try await CredentialCache.invalidate(on: conn, logger: logger)
            return Member(user_id: user, email: current.email, name: current.name, role: role, joined_at: current.joined_at)
        }
    }

    /// Removes the membership, ends the person's sessions in this team and revokes the API keys
    /// they created here. false when the person is not a member.
    func removeMember(team: UUID, user: UUID, actor: AuditActor) async throws -> Bool {
        defer { auth.credentials.clear() }  // this replica at once; the others at the notification
        return try await db.transaction(logger: logger) { conn -> Bool in
            guard let current = try await Self.lockedMember(team: team, user: user, on: conn, logger: logger) else { return false }
            if current.role == .owner { try await Self.requireAnotherOwner(team: team, on: conn, logger: logger, action: "remove") }
            try await conn.query("DELETE FROM memberships WHERE team_id = \(team) AND user_id = \(user)", logger: logger)
            let sessions = try await conn.query("DELETE FROM sessions WHERE team_id = \(team) AND user_id = \(user) RETURNING id", logger: logger)
            var ended = 0
            for try await _ in sessions.decode(UUID.self) { ended += 1 }
            let keys = try await conn.query("""
                UPDATE api_keys SET revoked_at = now() WHERE team_id = \(team) AND created_by = \(user) AND revoked_at IS NULL RETURNING id
                """, logger: logger)
            var revoked: [JSONValue] = []
            for try await id in keys.decode(UUID.self) { revoked.append(.string(id.uuidString)) }
            try await audit.append(AuditEvent("member.removed", target: "user", id: user.uuidString,
                                              details: ["email": .string(current.email), "role": .string(current.role.rawValue),
                                                        "sessions_ended": .number(Double(ended)), "api_keys_revoked": .array(revoked)]),
                                   team: team, actor: actor, on: conn)
            // What this person's keys may do changed: every replica forgets its cached keys.
            try await CredentialCache.invalidate(on: conn, logger: logger)
            return true
        }
    }

    private static func lockedMember(team: UUID, user: UUID, on conn: PostgresConnection, logger: Logger) async throws -> Member? {
        try await conn.query("SELECT id FROM teams WHERE id = \(team) FOR UPDATE", logger: logger)
        let rows = try await conn.query("""
            SELECT u.id, u.email, m.display_name, m.role, m.created_at
            FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.team_id = \(team) AND m.user_id = \(user)
            """, logger: logger)
        guard let (id, email, name, role, joined) = try await rows.decode((UUID, String, String?, String, Date).self).firstElement() else { return nil }
        return Member(user_id: id, email: email, name: name, role: Role(rawValue: role) ?? .viewer, joined_at: joined)
    }

    private static func requireAnotherOwner(team: UUID, on conn: PostgresConnection, logger: Logger, action: String) async throws {
        let rows = try await conn.query("SELECT count(*) FROM memberships WHERE team_id = \(team) AND role = 'owner'", logger: logger)
        guard let owners = try await rows.decode(Int.self).firstElement(), owners > 1 else {
            throw AppError(.conflict, "last_owner", "This is the team's last owner: make someone else an owner before you \(action) them.")
        }
    }

}
