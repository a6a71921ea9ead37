import Foundation
import Logging
import PostgresNIO

/// Moves a generation's reservation: released when nothing was billed, turned into spend
/// (with a ledger row) when the provider billed. Always inside the caller's transaction.
struct SpendLedger: Sendable {
    let logger: Logger
    /// Where `budget.threshold` events go when a booking crosses 80 % or 100 % of a budget
    /// (nil: paths that only release money, which never cross one).
    var outbox: WebhookOutbox? = nil

    /// Gives the reserved estimate back to the team's and the campaign's budgets.
    func release(generation: UUID, on conn: PostgresConnection) async throws {
        try await conn.query("""
            WITH g AS (
                SELECT id, team_id, campaign_id, reserved_usd FROM generations WHERE id = \(generation) AND reserved_usd > 0 FOR UPDATE
            ), t AS (
                UPDATE teams SET reserved_usd = greatest(teams.reserved_usd - g.reserved_usd, 0) FROM g WHERE teams.id = g.team_id
            ), c AS (
                UPDATE campaigns SET reserved_usd = greatest(campaigns.reserved_usd - g.reserved_usd, 0)
                FROM g WHERE campaigns.team_id = g.team_id AND campaigns.id = g.campaign_id
            )
            UPDATE generations SET reserved_usd = 0 FROM g WHERE generations.id = g.id
            """, logger: logger)
    }

    /// Changes a held reservation to `amount` in the team's and the campaign's budgets too (an
    /// `auto` generation moved to a provider with another estimate). Nothing when none is held.
    func rereserve(generation: UUID, amount: Decimal, on conn: PostgresConnection) async throws {
        try await conn.query("""
            WITH g AS (
                SELECT id, team_id, campaign_id, reserved_usd FROM generations WHERE id = \(generation) AND reserved_usd > 0 FOR UPDATE
            ), t AS (
                UPDATE teams SET reserved_usd = greatest(teams.reserved_usd - g.reserved_usd + \(amount), 0) FROM g WHERE teams.id = g.team_id
            ), c AS (
                UPDATE campaigns SET reserved_usd = greatest(campaigns.reserved_usd - g.reserved_usd + \(amount), 0)
                FROM g WHERE campaigns.team_id = g.team_id AND campaigns.id = g.campaign_id
            )
            UPDATE generations SET reserved_usd = \(amount) FROM g WHERE generations.id = g.id
            """, logger: logger)
    }

    /// What a finished generation costs the team. A provider-reported cost is booked when it is
    /// plausible, within [0, 10 x estimate]; outside that it is kept as reported but the estimate
    /// is booked, flagged `out_of_range` (an alert and the audit row say so): one bad header must
    /// not drain a budget, and spend must not silently vanish either.
    struct Charge: Sendable, Equatable {
        let amount: Decimal
        let isEstimate: Bool
        let reported: Decimal?
        let flag: String?

        static let plausibleFactor: Decimal = 10

        init(reported: Decimal?, estimate: Decimal) {
            self.reported = reported
            if let reported, reported >= 0, reported <= estimate * Self.plausibleFactor {
                (amount, isEstimate, flag) = (reported, false, nil)
            } else {
                (amount, isEstimate, flag) = (estimate, true, reported == nil ? nil : "out_of_range")
            }
        }

        var auditDetails: [String: JSONValue] {
            var details: [String: JSONValue] = ["cost_usd": .string("\(amount)"), "cost_is_estimate": .bool(isEstimate)]
            if let reported { details["reported_cost_usd"] = .string("\(reported)") }
            if let flag { details["cost_flag"] = .string(flag) }
            return details
        }
    }

    /// Releases the reservation and books the charge as spent (reserved -> spent on team and
    /// campaign, one ledger row), once per generation. The only place spend is booked: the
    /// worker (success, expiry) and a person resolving a submit_unknown job both come here.
    /// Returns false when the generation was already booked. The ledger row's trigger adds it
    /// to the daily rollup (`spend_daily`) in this same transaction.
    @discardableResult
    func settle(generation: UUID, charge: Charge, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query("""
            WITH g AS (
                SELECT id, team_id, campaign_id, created_by, provider, account_key, model_id, reserved_usd FROM generations WHERE id = \(generation) FOR UPDATE
            ), booked AS (
                INSERT INTO spend_ledger (team_id, generation_id, campaign_id, user_id, provider, account_key, model_id, amount_usd, is_estimate, cost_flag)
                SELECT team_id, id, campaign_id, created_by, provider, account_key, model_id, \(charge.amount), \(charge.isEstimate), \(charge.flag) FROM g
                ON CONFLICT (generation_id) DO NOTHING RETURNING generation_id
            ), t AS (
                UPDATE teams SET reserved_usd = greatest(teams.reserved_usd - g.reserved_usd, 0), spent_usd = teams.spent_usd + \(charge.amount)
                FROM g, booked WHERE teams.id = g.team_id
                RETURNING teams.budget_usd, teams.spent_usd
            ), c AS (
                UPDATE campaigns SET reserved_usd = greatest(campaigns.reserved_usd - g.reserved_usd, 0), spent_usd = campaigns.spent_usd + \(charge.amount)
                FROM g, booked WHERE campaigns.team_id = g.team_id AND campaigns.id = g.campaign_id
                RETURNING campaigns.id, campaigns.name, campaigns.budget_usd, campaigns.spent_usd
            )
            UPDATE generations SET reserved_usd = 0, cost_usd = \(charge.amount), cost_is_estimate = \(charge.isEstimate),
                reported_cost_usd = \(charge.reported), cost_flag = \(charge.flag)
            FROM g, booked WHERE generations.id = g.id
            RETURNING generations.team_id, (SELECT budget_usd FROM t), (SELECT spent_usd FROM t),
                      (SELECT id FROM c), (SELECT name FROM c), (SELECT budget_usd FROM c), (SELECT spent_usd FROM c)
            """, logger: logger)
        // The budgets as this booking left them, for the threshold events: no second read while their rows are locked.
        guard let (team, teamBudget, teamSpent, campaign, name, campaignBudget, campaignSpent) = try await rows
            .decode((UUID, Decimal?, Decimal?, UUID?, String?, Decimal?, Decimal?).self).firstElement() else { return false }
        var budgets: [WebhookOutbox.BookedBudget] = []
        if let teamBudget, let teamSpent {
            budgets.append(.init(scope: "team", team: team, campaign: nil, name: nil, budget: teamBudget, spent: teamSpent))
        }
        if let campaign, let campaignBudget, let campaignSpent {
            budgets.append(.init(scope: "campaign", team: team, campaign: campaign, name: name, budget: campaignBudget, spent: campaignSpent))
        }
        try await outbox?.budgetCrossings(generation: generation, booked: charge.amount, budgets: budgets, on: conn)
        return true
    }
}
