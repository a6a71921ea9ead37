import Foundation
import Logging
import PostgresNIO

/// The team's own record as its members see it: name and budget, with what is committed.
struct TeamSettings: Codable, Sendable {
    let id: UUID
    let name: String
    /// nil: no team budget (campaign budgets still apply).
    let budget_usd: Decimal?
    /// Estimates of generations still in flight.
    let reserved_usd: Decimal
    let spent_usd: Decimal
    /// `budget - reserved - spent` (negative when a budget was lowered below what is committed);
    /// nil without a budget.
    let available_usd: Decimal?
    let created_at: Date
}

extension TeamRepository {
    func settings(team: UUID) async throws -> TeamSettings? {
        try await db.withConnection { conn in try await Self.settings(team: team, on: conn, logger: logger) }
    }

    /// Renames the team and/or sets its budget, audited with before and after. A budget below
    /// what is already reserved and spent is allowed: budgets only refuse new work.
    func updateSettings(team: UUID, name: String?, budget: Patch<Decimal>, actor: AuditActor) async throws -> TeamSettings? {
        try await db.transaction(logger: logger) { conn -> TeamSettings? in
            guard let before = try await Self.settings(team: team, on: conn, logger: logger, forUpdate: true) else { return nil }
            let newName = name ?? before.name
            let newBudget = budget.resolve(before.budget_usd)
            var changes: [String: JSONValue] = [:]
            if newName != before.name { changes["name"] = ["from": .string(before.name), "to": .string(newName)] }
            if newBudget != before.budget_usd {
                changes["budget_usd"] = ["from": before.budget_usd.map { .string($0.description) } ?? .null,
                                         "to": newBudget.map { .string($0.description) } ?? .null]
            }
            guard !changes.isEmpty else { return before }
            try await conn.query("UPDATE teams SET name = \(newName), budget_usd = \(newBudget) WHERE id = \(team)", logger: logger)
            try await audit.append(AuditEvent("team.updated", target: "team", id: team.uuidString, details: .object(changes)),
                                   team: team, actor: actor, on: conn)
            return try await Self.settings(team: team, on: conn, logger: logger)
        }
    }

    private static func settings(team: UUID, on conn: PostgresConnection, logger: Logger, forUpdate: Bool = false) async throws -> TeamSettings? {
        let rows = forUpdate
            ? try await conn.query("SELECT id, name, budget_usd, reserved_usd, spent_usd, created_at FROM teams WHERE id = \(team) FOR UPDATE", logger: logger)
            : try await conn.query("SELECT id, name, budget_usd, reserved_usd, spent_usd, created_at FROM teams WHERE id = \(team)", logger: logger)
        guard let (id, name, budget, reserved, spent, created) = try await rows.decode((UUID, String, Decimal?, Decimal, Decimal, Date).self).firstElement() else {
            return nil
        }
        return TeamSettings(id: id, name: name, budget_usd: budget, reserved_usd: reserved, spent_usd: spent,
                            available_usd: budget.map { $0 - reserved - spent }, created_at: created)
    }
}
