import Foundation
import Logging
import PostgresNIO

/// Campaign rows, always scoped to one team; every change is audited in its own transaction.
struct CampaignRepository: Sendable {
    let db: PostgresClient
    let audit: AuditRepository
    let logger: Logger

    /// The columns `decode` reads, counts included.
    private static let columns = """
        SELECT c.id, c.name, c.description, c.budget_usd, c.reserved_usd, c.spent_usd, c.tags,
               (SELECT count(*) FROM prompts p WHERE p.team_id = c.team_id AND p.campaign_id = c.id),
               (SELECT count(*) FROM assets a WHERE a.team_id = c.team_id AND a.campaign_id = c.id),
               (SELECT count(*) FROM seeds s WHERE s.team_id = c.team_id AND s.campaign_id = c.id),
               c.created_at, c.updated_at, c.archived_at, (extract(epoch FROM c.created_at) * 1000000)::int8
        FROM campaigns c
        """

    func create(team: UUID, _ input: NewCampaign, createdBy: UUID?, actor: AuditActor) async throws -> Campaign {
        let name = try LibraryInput.name(input.name)
        let description = try LibraryInput.description(input.description) ?? ""
        let budget = try LibraryInput.budget(input.budget_usd?.value)
        let tags = try LibraryInput.tags(input.tags)
        let id = try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                INSERT INTO campaigns (team_id, name, description, budget_usd, tags, created_by)
                VALUES (\(team), \(name), \(description), \(budget), \(tags), \(createdBy)) RETURNING id
                """, logger: logger)
            let id = try await rows.decode(UUID.self).firstElement()!
            try await audit.append(AuditEvent("campaign.created", target: "campaign", id: id.uuidString,
                                              details: ["name": .string(name), "budget_usd": budget.map { .string("\($0)") } ?? .null]),
                                   team: team, actor: actor, on: conn)
            return id
        }
        return try await find(team: team, id: id)!
    }

    func find(team: UUID, id: UUID) async throws -> Campaign? {
        try await fetch("\(unescaped: Self.columns) WHERE c.team_id = \(team) AND c.id = \(id)").first?.0
    }

    func list(team: UUID, includeArchived: Bool, tag: String?, after cursor: ListCursor?, limit: Int) async throws -> [(Campaign, ListCursor)] {
        try await fetch("""
            \(unescaped: Self.columns)
            WHERE c.team_id = \(team)
              AND (\(includeArchived) OR c.archived_at IS NULL)
              AND (\(tag)::text IS NULL OR \(tag) = ANY (c.tags))
              AND (\(cursor?.micros)::int8 IS NULL
                   OR (c.created_at, c.id) < (timestamptz 'epoch' + \(cursor?.micros) * interval '1 microsecond', \(cursor?.id)))
            ORDER BY c.created_at DESC, c.id DESC
            LIMIT \(limit + 1)
            """)
    }

    /// Editors may lower a budget or set one where there was none; raising or removing one takes
    /// an owner (`mayRaiseBudget`), checked against the row locked in the same transaction.
    func update(team: UUID, id: UUID, _ changes: CampaignChanges, mayRaiseBudget: Bool, actor: AuditActor) async throws -> Campaign? {
        let newName = try changes.name.map { try LibraryInput.name($0) }
        let newDescription = try LibraryInput.description(changes.description)
        let newTags = try changes.tags.map { try LibraryInput.tags($0) }
        if case .value(let value) = changes.budget_usd { _ = try LibraryInput.budget(value.value) }
        guard let current = try await find(team: team, id: id) else { return nil }
        let name = newName ?? current.name
        let description = newDescription ?? current.description
        let tags = newTags ?? current.tags
        let updated = try await db.transaction(logger: logger) { conn in
            let locked = try await conn.query("SELECT budget_usd FROM campaigns WHERE team_id = \(team) AND id = \(id) FOR UPDATE", logger: logger)
            guard let (lockedBudget) = try await locked.decode(Decimal?.self).firstElement() else { return false }
            let budget = try LibraryInput.budget(changes.budget_usd.map(\.value).resolve(lockedBudget))
            if !mayRaiseBudget, let old = lockedBudget, budget.map({ $0 > old }) ?? true {
                throw AppError.forbidden("Only an owner can raise or remove a campaign budget; an editor may lower it.")
            }
            let rows = try await conn.query("""
                UPDATE campaigns SET name = \(name), description = \(description), budget_usd = \(budget), tags = \(tags),
                                     updated_at = clock_timestamp()
                WHERE team_id = \(team) AND id = \(id) RETURNING id
                """, logger: logger)
            guard try await rows.decode(UUID.self).firstElement() != nil else { return false }
            var details: [String: JSONValue] = [:]
            if name != current.name { details["name"] = .string(name) }
            if description != current.description { details["description"] = .string(description) }
            if budget != lockedBudget { details["budget_usd"] = budget.map { .string("\($0)") } ?? .null }
            if tags != current.tags { details["tags"] = .array(tags.map { .string($0) }) }
            try await audit.append(AuditEvent("campaign.updated", target: "campaign", id: id.uuidString, details: .object(details)),
                                   team: team, actor: actor, on: conn)
            return true
        }
        return updated ? try await find(team: team, id: id) : nil
    }

    /// Archives (or restores) a campaign; archiving twice keeps the first time.
    func setArchived(_ archived: Bool, team: UUID, id: UUID, actor: AuditActor) async throws -> Campaign? {
        let changed = try await db.transaction(logger: logger) { conn in
            let rows = try await conn.query("""
                UPDATE campaigns
                SET archived_at = CASE WHEN \(archived) THEN coalesce(archived_at, clock_timestamp()) ELSE NULL END,
                    updated_at = clock_timestamp()
                WHERE team_id = \(team) AND id = \(id) RETURNING id
                """, logger: logger)
            guard try await rows.decode(UUID.self).firstElement() != nil else { return false }
            try await audit.append(AuditEvent(archived ? "campaign.archived" : "campaign.restored", target: "campaign", id: id.uuidString),
                                   team: team, actor: actor, on: conn)
            return true
        }
        return changed ? try await find(team: team, id: id) : nil
    }

    private func fetch(_ query: PostgresQuery) async throws -> [(Campaign, ListCursor)] {
        let rows = try await db.query(query, logger: logger)
        var result: [(Campaign, ListCursor)] = []
        for try await (id, name, description, budget, reserved, spent, tags, prompts, assets, seeds, created, updated, archived, micros)
            in rows.decode((UUID, String, String, Decimal?, Decimal, Decimal, [String], Int, Int, Int, Date, Date, Date?, Int64).self) {
            let campaign = Campaign(id: id, name: name, description: description, budget_usd: budget, reserved_usd: reserved,
                                    spent_usd: spent, tags: tags, counts: .init(prompts: prompts, assets: assets, seeds: seeds),
                                    created_at: created, updated_at: updated, archived_at: archived)
            result.append((campaign, ListCursor(micros: micros, id: id)))
        }
        return result
    }
}
