import Foundation
import Logging
import PostgresNIO
import ReelbaseCore

/// Generation rows: enqueue (budget reservation, idempotency and audit in one transaction),
/// reads, and the person-driven transitions (cancel, retry).
struct GenerationRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    /// `budget.threshold` webhooks when a person's resolve books spend.
    let outbox: WebhookOutbox
    let logger: Logger
    /// "Now" for a key's budget period and rate window.
    var clock: any WallClock = SystemClock()
    /// The per-team monthly cap on the instance default accounts (`REELBASE_DEFAULT_ACCOUNT_TEAM_BUDGET_USD`).
    var defaultAccountBudget: Decimal? = nil
    /// List items' JSON by row version; shared by every copy of this repository.
    var jsonCache = GenerationJSONCache()
    static let notifyChannel = "reelbase_generations"

    struct Idempotency: Sendable {
        let key: String
        let requestSHA256: String
    }

    enum Enqueued: Sendable {
        case created([GenerationAccepted])
        /// The same Idempotency-Key and body seen before: its first answer, replayed.
        case replayed(status: Int, body: String)
    }

    /// Reserves the total estimate against the team's and the campaigns' budgets and inserts
    /// every generation, or does nothing at all.
    func enqueue(_ plans: [PlannedGeneration], team: UUID, identity: Identity, ip: String?, idempotency: Idempotency?,
                 responseStatus: Int, source: GenerationSource = .api, encode: @Sendable ([GenerationAccepted]) throws -> String) async throws -> Enqueued {
        try await db.transaction(logger: logger) { conn in
            if let idempotency, let replay = try await claimKey(idempotency, team: team, on: conn) { return replay }
            try await reserve(plans, team: team, on: conn)
            let now = clock.now()
            let apiKeyID: UUID? = if case .apiKey(let id, _) = identity.actor { id } else { nil }
            if let apiKeyID {
                try await reserveForKey(apiKeyID, plans: plans, total: plans.reduce(Decimal(0)) { $0 + $1.estimate },
                                        team: team, now: now, on: conn)
            }
            let accepted = try await insert(plans, team: team, createdBy: identity.userID, apiKeyID: apiKeyID, source: source,
                                            keyChargedAt: apiKeyID == nil ? nil : now, actor: AuditActor(identity, ip: ip), on: conn)
            if let idempotency {
                try await conn.query("""
                    UPDATE idempotency_keys SET status = \(responseStatus), response = \(try encode(accepted))::jsonb
                    WHERE team_id = \(team) AND key = \(idempotency.key)
                    """, logger: logger)
            }
            return .created(accepted)
        }
    }

    /// Reserves the plans' total against the team's budget and each campaign's share against
    /// its budget, inside the caller's transaction (402 `budget_exceeded` when one is short).
    func reserve(_ plans: [PlannedGeneration], team: UUID, on conn: PostgresConnection) async throws {
        try await reserve(plans.reduce(Decimal(0)) { $0 + $1.estimate }, team: team, on: conn)
        // The team row is locked now: concurrent enqueues of this team check the cap one at a time.
        let onDefault = plans.filter { $0.credentials.accountID == nil }.reduce(Decimal(0)) { $0 + $1.estimate }
        if onDefault > 0, let cap = defaultAccountBudget {
            try await DefaultAccountShare(cap: cap, logger: logger).check(onDefault, team: team, on: conn)
        }
        for (campaign, amount) in Dictionary(grouping: plans.filter { $0.campaignID != nil }, by: { $0.campaignID! })
            .mapValues({ $0.reduce(Decimal(0)) { $0 + $1.estimate } }) {
            try await reserve(amount, team: team, campaign: campaign, on: conn)
        }
    }

    /// Inserts the generations (`queued`, each holding its estimate as reserved), their asset
    /// links and audit rows, and wakes the workers; the caller has reserved the money already.
    func insert(_ plans: [PlannedGeneration], team: UUID, createdBy: UUID?, apiKeyID: UUID?, source: GenerationSource = .api,
                keyChargedAt: Date? = nil, actor: AuditActor, on conn: PostgresConnection) async throws -> [GenerationAccepted] {
        // One statement per table for the whole batch: a 500-item batch is a handful of round trips.
        var accepted: [GenerationAccepted] = [], rows: [SQLFragment] = [], links: [SQLFragment] = [], events: [AuditEvent] = []
        for plan in plans {
            let id = UUID()
            let params = String(decoding: try JSONEncoder.api.encode(plan.params), as: UTF8.self)
            rows.append("""
                (\(id), \(team), \(plan.campaignID), \(createdBy), \(apiKeyID), \(plan.model.provider.rawValue), \(plan.model.id),
                 \(plan.accountKey), \(plan.credentials.accountID), \(plan.credentials.concurrencyLimit), \(plan.promptText),
                 \(plan.negativePrompt), \(plan.promptID), \(plan.promptVersionID), \(params)::jsonb, \(plan.seed), \(plan.seedID),
                 \(plan.estimate), \(plan.estimate), \(source.rawValue), \(keyChargedAt), \(plan.routing?.jsonText)::jsonb)
                """)
            links += plan.assets.map { link -> SQLFragment in "(\(id), \(link.0), \(link.1))" }
            events.append(AuditEvent("generation.created", target: "generation", id: id.uuidString,
                                     details: ["model": .string(plan.model.id), "estimated_cost_usd": .string("\(plan.estimate)"),
                                               "source": .string(source.rawValue)]))
            accepted.append(GenerationAccepted(id: id, status: .queued, estimated_cost_usd: plan.estimate, model: plan.model.id,
                                               provider: plan.model.provider.rawValue))
        }
        try await conn.query("""
            INSERT INTO generations (id, team_id, campaign_id, created_by, api_key_id, provider, model_id, account_key, account_id,
                concurrency_limit, prompt_text, negative_prompt, prompt_id, prompt_version_id, params, seed, seed_id,
                estimated_cost_usd, reserved_usd, source, key_charged_at, routing)
            VALUES \(list: rows)
            """, logger: logger)
        if !links.isEmpty {
            try await conn.query("INSERT INTO generation_assets (generation_id, asset_id, role) VALUES \(list: links)", logger: logger)
        }
        try await audit.append(events, team: team, actor: actor, on: conn)
        try await conn.query("SELECT pg_notify(\(Self.notifyChannel), '')", logger: logger)
        return accepted
    }

    /// Takes the key, or returns the first answer given for it. A different body is a 422.
    private func claimKey(_ idempotency: Idempotency, team: UUID, on conn: PostgresConnection) async throws -> Enqueued? {
        try await conn.query("""
            DELETE FROM idempotency_keys WHERE team_id = \(team) AND key = \(idempotency.key) AND created_at < now() - interval '24 hours'
            """, logger: logger)
        // A concurrent request with the same key waits here until the first one commits.
        let inserted = try await conn.query("""
            INSERT INTO idempotency_keys (team_id, key, request_sha256, status, response)
            VALUES (\(team), \(idempotency.key), \(idempotency.requestSHA256), 0, 'null') ON CONFLICT DO NOTHING RETURNING key
            """, logger: logger)
        if try await inserted.decode(String.self).firstElement() != nil { return nil }
        let rows = try await conn.query("""
            SELECT request_sha256, status, response::text FROM idempotency_keys WHERE team_id = \(team) AND key = \(idempotency.key)
            """, logger: logger)
        guard let (hash, status, body) = try await rows.decode((String, Int, String).self).firstElement() else { return nil }
        guard hash == idempotency.requestSHA256 else {
            throw AppError.validation("This Idempotency-Key was used with a different request body in the last 24 hours; use a new key.")
        }
        return .replayed(status: status, body: body)
    }

    func reserve(_ amount: Decimal, team: UUID, campaign: UUID? = nil, on conn: PostgresConnection) async throws {
        let table = campaign == nil ? "team" : "campaign"
        let rows = campaign == nil
            ? try await conn.query("""
                UPDATE teams SET reserved_usd = reserved_usd + \(amount)
                WHERE id = \(team) AND (budget_usd IS NULL OR reserved_usd + spent_usd + \(amount) <= budget_usd)
                RETURNING id
                """, logger: logger)
            : try await conn.query("""
                UPDATE campaigns SET reserved_usd = reserved_usd + \(amount)
                WHERE team_id = \(team) AND id = \(campaign!) AND (budget_usd IS NULL OR reserved_usd + spent_usd + \(amount) <= budget_usd)
                RETURNING id
                """, logger: logger)
        if try await rows.decode(UUID.self).firstElement() != nil { return }
        let figures = campaign == nil
            ? try await conn.query("SELECT budget_usd, reserved_usd, spent_usd FROM teams WHERE id = \(team)", logger: logger)
            : try await conn.query("SELECT budget_usd, reserved_usd, spent_usd FROM campaigns WHERE team_id = \(team) AND id = \(campaign!)", logger: logger)
        let row = try await figures.decode((Decimal?, Decimal, Decimal).self).firstElement()
        let (budget, reserved, spent) = (row?.0, row?.1 ?? 0, row?.2 ?? 0)
        let left = (budget ?? 0) - reserved - spent
        throw AppError(.init(code: 402),  "budget_exceeded",
                       "This needs an estimated $\(amount) but the \(table) budget has $\(left) left ($\(budget ?? 0) budget, $\(reserved) reserved, $\(spent) spent).",
                       details: ["scope": .string(table), "estimate_usd": .string("\(amount)"), "budget_usd": .string("\(budget ?? 0)"),
                                 "reserved_usd": .string("\(reserved)"), "spent_usd": .string("\(spent)"), "available_usd": .string("\(left)")])
    }
}
