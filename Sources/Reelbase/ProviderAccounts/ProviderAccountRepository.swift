import Foundation
import Logging
import PostgresNIO

/// Provider accounts of a team. Keys are sealed with AES-GCM, bound to the row's id, and only
/// ever opened to make a provider call.
public struct ProviderAccountRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let secrets: SecretBox
    let defaults: [ProviderAccount: AppConfig.DefaultAccount]
    let logger: Logger

    struct Input {
        var provider: ProviderAccount
        var name: String
        var apiKey: String
        var baseURL: String?
        var concurrencyLimit: Int
        var mode: String
    }

    struct Patch {
        var name: String?
        var apiKey: String?
        var baseURL: String??
        var concurrencyLimit: Int?
        var mode: String?
    }

    private static func sealContext(_ id: UUID) -> String { "provider_account:\(id.uuidString)" }

    func list(team: UUID) async throws -> [ProviderAccountRecord] {
        try await records(db.query("""
            SELECT id, provider, name, api_key_last4, base_url, concurrency_limit, mode, paused_until, pause_reason, created_at, updated_at
            FROM provider_accounts WHERE team_id = \(team) AND deleted_at IS NULL ORDER BY created_at DESC, id
            """, logger: logger))
    }

    func get(team: UUID, id: UUID) async throws -> ProviderAccountRecord? {
        try await records(db.query("""
            SELECT id, provider, name, api_key_last4, base_url, concurrency_limit, mode, paused_until, pause_reason, created_at, updated_at
            FROM provider_accounts WHERE team_id = \(team) AND id = \(id) AND deleted_at IS NULL
            """, logger: logger)).first
    }

    func create(team: UUID, _ input: Input, actor: AuditActor) async throws -> ProviderAccountRecord {
        let id = UUID()
        let sealed = try secrets.seal(input.apiKey, context: Self.sealContext(id))
        return try await db.transaction(logger: logger) { conn in
            let record = try await records(conn.query("""
                INSERT INTO provider_accounts (id, team_id, provider, name, api_key_sealed, api_key_last4, base_url, concurrency_limit, mode)
                VALUES (\(id), \(team), \(input.provider.rawValue), \(input.name), \(sealed), \(String(input.apiKey.suffix(4))),
                        \(input.baseURL), \(input.concurrencyLimit), \(input.mode))
                RETURNING id, provider, name, api_key_last4, base_url, concurrency_limit, mode, paused_until, pause_reason, created_at, updated_at
                """, logger: logger))[0]
            try await audit.append(AuditEvent("provider_account.created", target: "provider_account", id: id.uuidString,
                                              details: ["provider": .string(input.provider.rawValue), "name": .string(input.name), "mode": .string(input.mode),
                                                        "base_url": input.baseURL.map(JSONValue.string) ?? .null]),
                                   team: team, actor: actor, on: conn)
            return record
        }
    }

    func update(team: UUID, id: UUID, _ patch: Patch, actor: AuditActor) async throws -> ProviderAccountRecord? {
        let sealed = try patch.apiKey.map { try secrets.seal($0, context: Self.sealContext(id)) }
        return try await db.transaction(logger: logger) { conn in
            let setBaseURL = patch.baseURL != nil
            // The URL before the change, for the audit row (locked: the row is about to change).
            let previous = try await conn.query("""
                SELECT base_url FROM provider_accounts WHERE team_id = \(team) AND id = \(id) AND deleted_at IS NULL FOR UPDATE
                """, logger: logger)
            guard let oldBaseURL = try await previous.decode(String?.self).firstElement() else { return nil }
            guard let record = try await records(conn.query("""
                UPDATE provider_accounts SET
                    name = coalesce(\(patch.name), name),
                    api_key_sealed = coalesce(\(sealed), api_key_sealed),
                    api_key_last4 = coalesce(\(patch.apiKey.map { String($0.suffix(4)) }), api_key_last4),
                    base_url = CASE WHEN \(setBaseURL) THEN \(patch.baseURL ?? nil) ELSE base_url END,
                    concurrency_limit = coalesce(\(patch.concurrencyLimit), concurrency_limit),
                    mode = coalesce(\(patch.mode), mode),
                    updated_at = now()
                WHERE team_id = \(team) AND id = \(id) AND deleted_at IS NULL
                RETURNING id, provider, name, api_key_last4, base_url, concurrency_limit, mode, paused_until, pause_reason, created_at, updated_at
                """, logger: logger)).first else { return nil }
            var changed: [JSONValue] = []
            if patch.name != nil { changed.append("name") }
            if patch.apiKey != nil { changed.append("api_key") }
            if setBaseURL { changed.append("base_url") }
            if patch.concurrencyLimit != nil { changed.append("concurrency_limit") }
            if patch.mode != nil { changed.append("mode") }
            var details: [String: JSONValue] = ["changed": .array(changed)]
            if setBaseURL {
                details["base_url"] = .object(["from": oldBaseURL.map(JSONValue.string) ?? .null, "to": record.base_url.map(JSONValue.string) ?? .null])
            }
            try await audit.append(AuditEvent("provider_account.updated", target: "provider_account", id: id.uuidString, details: .object(details)),
                                   team: team, actor: actor, on: conn)
            return record
        }
    }

    /// Soft delete: past generations keep pointing at the account.
    func delete(team: UUID, id: UUID, actor: AuditActor) async throws -> Bool {
        try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                UPDATE provider_accounts SET deleted_at = now() WHERE team_id = \(team) AND id = \(id) AND deleted_at IS NULL RETURNING id
                """, logger: logger)
            guard try await rows.decode(UUID.self).firstElement() != nil else { return false }
            try await audit.append(AuditEvent("provider_account.deleted", target: "provider_account", id: id.uuidString), team: team, actor: actor, on: conn)
            return true
        }
    }

    /// The account a team's work for `provider` goes through: its own newest one, else the
    /// instance default. nil when there is neither.
    /// `includeRemoved`: a job already running on an account keeps polling it after the account
    /// is removed, since its generation may be running and billed there.
    public func credentials(team: UUID, provider: ProviderAccount, accountID: UUID? = nil, includeRemoved: Bool = false) async throws -> ProviderCredentials? {
        let rows = try await db.query("""
            SELECT id, api_key_sealed, base_url, mode, concurrency_limit FROM provider_accounts
            WHERE team_id = \(team) AND provider = \(provider.rawValue)
              AND (deleted_at IS NULL OR \(includeRemoved))
              AND (\(accountID)::uuid IS NULL OR id = \(accountID))
            ORDER BY created_at DESC LIMIT 1
            """, logger: logger)
        if let (id, sealed, baseURL, mode, limit) = try await rows.decode((UUID, Data, String?, String, Int).self).firstElement() {
            return try credentials(SealedAccount(id: id, sealedKey: sealed, baseURL: baseURL, mode: mode, concurrencyLimit: limit, removed: false),
                                   provider: provider)
        }
        guard accountID == nil else { return nil }
        return defaultCredentials(provider: provider)
    }

    /// An account row as stored (the worker's claim reads it with the job): its key opened.
    func credentials(_ account: SealedAccount, provider: ProviderAccount) throws -> ProviderCredentials {
        let key = try secrets.open(account.sealedKey, context: Self.sealContext(account.id))
        return ProviderCredentials(accountID: account.id, provider: provider,
                                   endpoint: ProviderEndpoint(baseURL: account.baseURL ?? Self.publicBaseURL(provider), apiKey: ProviderAPIKey(key)),
                                   mode: account.mode, concurrencyLimit: account.concurrencyLimit, baseURLSetByTeam: account.baseURL != nil)
    }

    /// The instance-wide account from the environment, if one is configured.
    public func defaultCredentials(provider: ProviderAccount) -> ProviderCredentials? {
        guard let fallback = defaults[provider] else { return nil }
        return ProviderCredentials(accountID: nil, provider: provider,
                                   endpoint: ProviderEndpoint(baseURL: fallback.baseURL, apiKey: ProviderAPIKey(fallback.apiKey)),
                                   mode: fallback.mode, concurrencyLimit: 4)
    }

    static func publicBaseURL(_ provider: ProviderAccount) -> String {
        switch provider {
        case .segmind: "https://api.segmind.com"
        case .aimlapi: "https://api.aimlapi.com"
        }
    }

    private func records(_ rows: PostgresRowSequence) async throws -> [ProviderAccountRecord] {
        var result: [ProviderAccountRecord] = []
        for try await (id, provider, name, last4, baseURL, limit, mode, pausedUntil, reason, created, updated)
            in rows.decode((UUID, String, String, String, String?, Int, String, Date?, String?, Date, Date).self) {
            result.append(ProviderAccountRecord(id: id, provider: provider, name: name, api_key_last4: last4, base_url: baseURL,
                                                concurrency_limit: limit, mode: mode, paused_until: pausedUntil, pause_reason: reason,
                                                created_at: created, updated_at: updated))
        }
        return result
    }
}
