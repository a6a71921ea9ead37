import Foundation
import Logging
import PostgresNIO

public struct APIKeyRecord: Codable, Sendable {
    public let id: UUID
    public let name: String
    public let prefix: String
    public let role: Role
    public let created_by: UUID?
    public let created_at: Date
    public let last_used_at: Date?
    public let revoked_at: Date?
}

/// API keys of a team: listed by prefix, never by secret.
struct APIKeyRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let logger: Logger
    /// Cleared on every replica when a key is revoked.
    let credentials: CredentialCache

    func list(team: UUID) async throws -> [APIKeyRecord] {
        let rows = try await db.query("""
            SELECT id, name, prefix, role, created_by, created_at, last_used_at, revoked_at
            FROM api_keys WHERE team_id = \(team) ORDER BY created_at DESC, id
            """, logger: logger)
        return try await Self.records(rows)
    }

    /// Creates a key and returns it with the only copy of its secret.
    func create(team: UUID, name: String, role: Role, createdBy: UUID?, actor: AuditActor) async throws -> (APIKeyRecord, String) {
        let key = APIKeyFormat.generate()
        return try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                INSERT INTO api_keys (team_id, name, prefix, secret_sha256, role, created_by)
                VALUES (\(team), \(name), \(key.prefix), \(Digests.sha256(key.key)), \(role.rawValue), \(createdBy))
                RETURNING id, name, prefix, role, created_by, created_at, last_used_at, revoked_at
                """, logger: logger)
            let record = try await Self.records(rows)[0]
            try await audit.append(AuditEvent("api_key.created", target: "api_key", id: record.id.uuidString,
                                              details: ["name": .string(name), "role": .string(role.rawValue), "prefix": .string(key.prefix)]),
                                   team: team, actor: actor, on: conn)
            return (record, key.key)
        }
    }

    /// Revokes a key of this team; nil when the team has no such key. Revoking twice is harmless.
    func revoke(team: UUID, id: UUID, maxRole: Role, actor: AuditActor) async throws -> APIKeyRecord? {
        let record: APIKeyRecord? = try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                SELECT id, name, prefix, role, created_by, created_at, last_used_at, revoked_at
                FROM api_keys WHERE team_id = \(team) AND id = \(id) FOR UPDATE
                """, logger: logger)
            guard let existing = try await Self.records(rows).first else { return nil }
            guard existing.role <= maxRole else { throw AppError.forbidden("Only an owner can revoke an owner key.") }
            if existing.revoked_at != nil { return existing }
            let updated = try await conn.query("""
                UPDATE api_keys SET revoked_at = now() WHERE team_id = \(team) AND id = \(id)
                RETURNING id, name, prefix, role, created_by, created_at, last_used_at, revoked_at
                """, logger: logger)
            try await audit.append(AuditEvent("api_key.revoked", target: "api_key", id: id.uuidString, details: ["name": .string(existing.name)]),
                                   team: team, actor: actor, on: conn)
            try await CredentialCache.invalidate(on: conn, logger: logger)
            return try await Self.records(updated).first
        }
        // This replica at once; the others (and this one again) when the notification arrives.
        credentials.clear()
        return record
    }

    private static func records(_ rows: PostgresRowSequence) async throws -> [APIKeyRecord] {
        var result: [APIKeyRecord] = []
        for try await (id, name, prefix, role, createdBy, createdAt, lastUsed, revoked)
            in rows.decode((UUID, String, String, String, UUID?, Date, Date?, Date?).self) {
            result.append(APIKeyRecord(id: id, name: name, prefix: prefix, role: Role(rawValue: role) ?? .viewer, created_by: createdBy,
                                       created_at: createdAt, last_used_at: lastUsed, revoked_at: revoked))
        }
        return result
    }
}
