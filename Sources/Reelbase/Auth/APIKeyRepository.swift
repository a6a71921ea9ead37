import Foundation
import Logging
import PostgresNIO
import ReelbaseCore

public struct APIKeyRecord: Codable, Sendable {
    public let id: UUID
    public let name: String
    public let prefix: String
    public let role: Role
    public let created_by: UUID?
    public let created_at: Date
    public let last_used_at: Date?
    public let revoked_at: Date?
    // The scope (see `KeyScope`) and what the key has used of its budget this period.
    public let budget_usd: Decimal?
    public let budget_period: BudgetPeriod
    public let allowed_models: [String]?
    public let default_campaign_id: UUID?
    public let rate_limit_per_minute: Int?
    /// Reserved plus booked for generations made with the key since `period_start`.
    public let period_used_usd: Decimal
    public let period_start: Date

    var scope: KeyScope {
        KeyScope(budget_usd: budget_usd, budget_period: budget_period, allowed_models: allowed_models,
                 default_campaign_id: default_campaign_id, rate_limit_per_minute: rate_limit_per_minute)
    }
}

/// API keys of a team: listed by prefix, never by secret.
struct APIKeyRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let logger: Logger
    /// Cleared on every replica when a key is revoked.
    let credentials: CredentialCache
    /// "Now" for budget periods.
    var clock: any WallClock = SystemClock()

    /// The key's columns and its usage since its own period began (each period's start bound as a parameter).
    static func columns(now: Date) -> SQLFragment {
        """
        k.id, k.name, k.prefix, k.role, k.created_by, k.created_at, k.last_used_at, k.revoked_at,
        k.budget_usd, k.budget_period, k.allowed_models, k.default_campaign_id, k.rate_limit_per_minute,
        (SELECT coalesce(sum(g.reserved_usd + coalesce(g.cost_usd, 0)), 0) FROM generations g
         WHERE g.api_key_id = k.id AND g.key_charged_at >= \(periodStart(now: now, column: "k.budget_period")))
        """
    }

    /// The start of the period named by `column` ('none', 'day', 'week', 'month') at `now`.
    static func periodStart(now: Date, column: String) -> SQLFragment {
        """
        CASE \(unescaped: column) WHEN 'day' THEN \(BudgetPeriod.day.start(of: now)) WHEN 'week' THEN \(BudgetPeriod.week.start(of: now))
            WHEN 'month' THEN \(BudgetPeriod.month.start(of: now)) ELSE \(BudgetPeriod.none.start(of: now)) END
        """
    }

    func list(team: UUID) async throws -> [APIKeyRecord] {
        let now = clock.now()
        let rows = try await db.query("""
            SELECT \(Self.columns(now: now)) FROM api_keys k WHERE k.team_id = \(team) ORDER BY k.created_at DESC, k.id
            """, logger: logger)
        return try await Self.records(rows, now: now)
    }

    func find(team: UUID, id: UUID) async throws -> APIKeyRecord? {
        let now = clock.now()
        let rows = try await db.query("SELECT \(Self.columns(now: now)) FROM api_keys k WHERE k.team_id = \(team) AND k.id = \(id)", logger: logger)
        return try await Self.records(rows, now: now).first
    }

    /// Creates a key and returns it with the only copy of its secret.
    func create(team: UUID, name: String, role: Role, scope: KeyScope = .unlimited, createdBy: UUID?, actor: AuditActor) async throws -> (APIKeyRecord, String) {
        let key = APIKeyFormat.generate()
        let now = clock.now()
        return try await db.transaction(logger: logger) { conn in
            try await checkCampaign(scope.default_campaign_id, team: team, on: conn)
            let rows = try await conn.query("""
                WITH k AS (
                    INSERT INTO api_keys (team_id, name, prefix, secret_sha256, role, created_by, budget_usd, budget_period, allowed_models,
                                          default_campaign_id, rate_limit_per_minute)
                    VALUES (\(team), \(name), \(key.prefix), \(Digests.sha256(key.key)), \(role.rawValue), \(createdBy), \(scope.budget_usd),
                            \(scope.budget_period.rawValue), \(scope.allowed_models), \(scope.default_campaign_id), \(scope.rate_limit_per_minute))
                    RETURNING *
                )
                SELECT \(Self.columns(now: now)) FROM k
                """, logger: logger)
            let record = try await Self.records(rows, now: now)[0]
            var details: [String: JSONValue] = ["name": .string(name), "role": .string(role.rawValue), "prefix": .string(key.prefix)]
            details.merge(Self.auditDetails(scope)) { $1 }
            try await audit.append(AuditEvent("api_key.created", target: "api_key", id: record.id.uuidString, details: .object(details)),
                                   team: team, actor: actor, on: conn)
            return (record, key.key)
        }
    }

    /// Changes a key's scope (owners only), audited with the before and after; nil when the team
    /// has no such key.
    func updateScope(team: UUID, id: UUID, input: KeyScopeInput, catalog: ModelCatalog, actor: AuditActor) async throws -> APIKeyRecord? {
        let now = clock.now()
        let record: APIKeyRecord? = try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("SELECT \(Self.columns(now: now)) FROM api_keys k WHERE k.team_id = \(team) AND k.id = \(id) FOR UPDATE OF k", logger: logger)
            guard let existing = try await Self.records(rows, now: now).first else { return nil }
            let scope = try input.applied(to: existing.scope, catalog: catalog)
            try await checkCampaign(scope.default_campaign_id, team: team, on: conn)
            let updated = try await conn.query("""
                WITH k AS (
                    UPDATE api_keys SET budget_usd = \(scope.budget_usd), budget_period = \(scope.budget_period.rawValue),
                        allowed_models = \(scope.allowed_models), default_campaign_id = \(scope.default_campaign_id),
                        rate_limit_per_minute = \(scope.rate_limit_per_minute)
                    WHERE team_id = \(team) AND id = \(id) RETURNING *
                )
                SELECT \(Self.columns(now: now)) FROM k
                """, logger: logger)
            try await audit.append(AuditEvent("api_key.scope_changed", target: "api_key", id: id.uuidString,
                                              details: ["before": .object(Self.auditDetails(existing.scope)), "after": .object(Self.auditDetails(scope))]),
                                   team: team, actor: actor, on: conn)
            return try await Self.records(updated, now: now).first
        }
        return record
    }

    /// Revokes a key of this team; nil when the team has no such key. Revoking twice is harmless.
    func revoke(team: UUID, id: UUID, maxRole: Role, actor: AuditActor) async throws -> APIKeyRecord? {
        let now = clock.now()
        let record: APIKeyRecord? = try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("SELECT \(Self.columns(now: now)) FROM api_keys k WHERE k.team_id = \(team) AND k.id = \(id) FOR UPDATE OF k", logger: logger)
            guard let existing = try await Self.records(rows, now: now).first else { return nil }
            guard existing.role <= maxRole else { throw AppError.forbidden("Only an owner can revoke an owner key.") }
            if existing.revoked_at != nil { return existing }
            let updated = try await conn.query("""
                WITH k AS (UPDATE api_keys SET revoked_at = now() WHERE team_id = \(team) AND id = \(id) RETURNING *)
                SELECT \(Self.columns(now: now)) FROM k
                """, logger: logger)
            try await audit.append(AuditEvent("api_key.revoked", target: "api_key", id: id.uuidString, details: ["name": .string(existing.name)]),
                                   team: team, actor: actor, on: conn)
            try await CredentialCache.invalidate(on: conn, logger: logger)
            return try await Self.records(updated, now: now).first
        }
        // This replica at once; the others (and this one again) when the notification arrives.
        credentials.clear()
        return record
    }

    private func checkCampaign(_ campaign: UUID?, team: UUID, on conn: PostgresConnection) async throws {
        guard let campaign else { return }
        let rows = try await conn.query("SELECT id FROM campaigns WHERE team_id = \(team) AND id = \(campaign) AND archived_at IS NULL", logger: logger)
        if try await rows.decode(UUID.self).firstElement() == nil {
            throw AppError.validation("The key's scope is not valid.", details: ["default_campaign_id": "no such campaign in this team"])
        }
    }

    static func auditDetails(_ scope: KeyScope) -> [String: JSONValue] {
        ["budget_usd": scope.budget_usd.map { .string("\($0)") } ?? .null, "budget_period": .string(scope.budget_period.rawValue),
         "allowed_models": scope.allowed_models.map { .array($0.map { .string($0) }) } ?? .null,
         "default_campaign_id": scope.default_campaign_id.map { .string($0.uuidString) } ?? .null,
         "rate_limit_per_minute": scope.rate_limit_per_minute.map { .number(Double($0)) } ?? .null]
    }

    private static func records(_ rows: PostgresRowSequence, now: Date) async throws -> [APIKeyRecord] {
        var result: [APIKeyRecord] = []
        for try await row in rows {
            let c = try row.decode((UUID, String, String, String, UUID?, Date, Date?, Date?, Decimal?, String, [String]?, UUID?, Int?, Decimal).self)
            let period = BudgetPeriod(rawValue: c.9) ?? .none
            result.append(APIKeyRecord(id: c.0, name: c.1, prefix: c.2, role: Role(rawValue: c.3) ?? .viewer, created_by: c.4,
                                       created_at: c.5, last_used_at: c.6, revoked_at: c.7, budget_usd: c.8, budget_period: period,
                                       allowed_models: c.10, default_campaign_id: c.11, rate_limit_per_minute: c.12,
                                       period_used_usd: c.13, period_start: period.start(of: now)))
        }
        return result
    }
}
