import Foundation
import Logging
import PostgresNIO

public struct Member: Codable, Sendable {
    public let user_id: UUID
    public let email: String
    public let name: String?
    public let role: Role
    public let joined_at: Date
}

/// Teams and who belongs to them.
public struct TeamRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let auth: AuthRepository
    let logger: Logger

    public struct Created: Codable, Sendable {
        public let team_id: UUID
        public let api_key: String
        public let owner_email: String
        /// The password we set (given or generated); nil when the email already had an account.
        public let owner_password: String?
    }

    /// Creates a team, its owner (or reuses the account with that email) and a first API key,
    /// in one transaction with their audit rows.
    public func create(name: String, ownerEmail: String, ownerPassword: String?) async throws -> Created {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(name.count) else { throw AppError.validation("Team name must be 1 to 200 characters.") }
        try Self.validate(email: ownerEmail)
        let password = ownerPassword ?? PasswordGenerator.make()
        let hash = try await auth.hashPassword(password)
        let key = APIKeyFormat.generate()
        return try await db.transaction(logger: logger) { conn in
            let teamRows = try await conn.query("INSERT INTO teams (name) VALUES (\(name)) RETURNING id", logger: logger)
            let team = try await teamRows.decode(UUID.self).firstElement()!
            let (user, isNew) = try await Self.findOrCreateUser(email: ownerEmail, passwordHash: hash, on: conn, logger: logger)
            try await conn.query("INSERT INTO memberships (team_id, user_id, role) VALUES (\(team), \(user), 'owner')", logger: logger)
            try await conn.query("UPDATE memberships m SET display_name = u.name FROM users u WHERE u.id = m.user_id AND m.team_id = \(team)", logger: logger)
            let keyRows = try await conn.query("""
                INSERT INTO api_keys (team_id, name, prefix, secret_sha256, role, created_by)
                VALUES (\(team), 'initial key', \(key.prefix), \(Digests.sha256(key.key)), 'owner', \(user)) RETURNING id
                """, logger: logger)
            let keyID = try await keyRows.decode(UUID.self).firstElement()!
            try await audit.append(AuditEvent("team.created", target: "team", id: team.uuidString, details: ["name": .string(name)]), team: team, actor: .system, on: conn)
            try await audit.append(AuditEvent("member.added", target: "user", id: user.uuidString, details: ["email": .string(ownerEmail), "role": "owner"]), team: team, actor: .system, on: conn)
            try await audit.append(AuditEvent("api_key.created", target: "api_key", id: keyID.uuidString, details: ["name": "initial key", "role": "owner"]), team: team, actor: .system, on: conn)
            return Created(team_id: team, api_key: key.key, owner_email: ownerEmail, owner_password: isNew ? password : nil)
        }
    }

    public func name(of team: UUID) async throws -> String {
        let rows = try await db.query("SELECT name FROM teams WHERE id = \(team)", logger: logger)
        return try await rows.decode(String.self).firstElement() ?? ""
    }

    func user(_ id: UUID) async throws -> (email: String, name: String?)? {
        let rows = try await db.query("SELECT email, name FROM users WHERE id = \(id)", logger: logger)
        return try await rows.decode((String, String?).self).firstElement().map { ($0.0, $0.1) }
    }

    public func members(team: UUID) async throws -> [Member] {
        let rows = try await db.query("""
            SELECT u.id, u.email, m.display_name, m.role, m.created_at
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.team_id = \(team) ORDER BY m.created_at, u.email
            """, logger: logger)
        var result: [Member] = []
        for try await (id, email, name, role, joined) in rows.decode((UUID, String, String?, String, Date).self) {
            result.append(Member(user_id: id, email: email, name: name, role: Role(rawValue: role) ?? .viewer, joined_at: joined))
        }
        return result
    }

    public struct Added: Codable, Sendable {
        public let member: Member
        /// Set when the owner gave no password: shown once, opens this team once (see `addMember`).
        public let generated_password: String?
    }

    /// Adds a person to the team, creating their account when the email is new. The answer is
    /// the same either way (so it reveals nothing about accounts elsewhere on the instance): the
    /// one-time password (given, or generated and shown once) is kept on the membership and
    /// opens a session in this team once, within 7 days; a new account also gets it as its password.
    func addMember(team: UUID, email: String, name: String?, role: Role, password: String?, actor: AuditActor) async throws -> Added {
        try Self.validate(email: email)
        let oneTime = password ?? PasswordGenerator.make()
        let hash = try await auth.hashPassword(oneTime)
        return try await db.transaction(logger: logger) { conn in
            let (user, _) = try await Self.findOrCreateUser(email: email, passwordHash: hash, name: name, on: conn, logger: logger)
            let inserted = try await conn.query("""
                INSERT INTO memberships (team_id, user_id, role, display_name, invite_hash, invite_expires_at)
                VALUES (\(team), \(user), \(role.rawValue), \(name), \(hash), now() + interval '7 days')
                ON CONFLICT DO NOTHING RETURNING created_at
                """, logger: logger)
            guard let joined = try await inserted.decode(Date.self).firstElement() else {
                throw AppError.conflict("\(email) is already a member of this team.")
            }
            try await audit.append(AuditEvent("member.added", target: "user", id: user.uuidString, details: ["email": .string(email), "role": .string(role.rawValue)]), team: team, actor: actor, on: conn)
            return Added(member: Member(user_id: user, email: email, name: name, role: role, joined_at: joined),
                         generated_password: password == nil ? oneTime : nil)
        }
    }

    static func findOrCreateUser(email: String, passwordHash: String, name: String? = nil, on conn: PostgresConnection, logger: Logger) async throws -> (UUID, Bool) {
        let existing = try await conn.query("SELECT id FROM users WHERE lower(email) = lower(\(email))", logger: logger)
        if let id = try await existing.decode(UUID.self).firstElement() { return (id, false) }
        let created = try await conn.query("""
            INSERT INTO users (email, name, password_hash) VALUES (\(email), \(name), \(passwordHash))
            ON CONFLICT DO NOTHING RETURNING id
            """, logger: logger)
        guard let id = try await created.decode(UUID.self).firstElement() else {
            throw AppError.conflict("An account for \(email) was created at the same moment; try again.")
        }
        return (id, true)
    }

    static func validate(email: String) throws {
        let parts = email.split(separator: "@")
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(where: \.isWhitespace) else {
            throw AppError.validation("`\(email.prefix(100))` is not an email address.")
        }
    }
}
