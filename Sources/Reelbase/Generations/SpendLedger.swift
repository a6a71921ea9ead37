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

    /// One booking: a generation and what it costs.
    struct Booking: Sendable {
        let generation: UUID
        let charge: Charge
    }

    /// Releases the reservation and books the charge as spent (reserved -> spent on team and
    /// campaign, one ledger row), once per generation. The only place spend is booked: the
    /// worker (success, expiry) and a person resolving a submit_unknown job both come here.
    /// Returns false when the generation was already booked. The ledger row's trigger adds it
    /// to the rollups (`spend_daily`, `spend_monthly`, `spend_daily_accounts`) in this same transaction.
    @discardableResult
    func settle(generation: UUID, charge: Charge, on conn: PostgresConnection) async throws -> Bool {
        try await settle([Booking(generation: generation, charge: charge)], on: conn).contains(generation)
    }

    /// Several bookings in one statement (a worker's finishing batch), exactly as if booked one
    /// after another in their order: each team and campaign row is updated once by the sum,
    /// and each booking's budget-threshold events see the budget as it stood after that booking.
    /// One statement instead of one per job keeps the team's row locked for less time: three
    /// worker processes finishing the same team's jobs wait for each other on it.
    /// Returns the generations booked now (not those booked before).
    @discardableResult
    func settle(_ bookings: [Booking], on conn: PostgresConnection) async throws -> Set<UUID> {
        guard !bookings.isEmpty else { return [] }
        let rows = try await conn.query("""
            WITH input AS (
                SELECT DISTINCT ON (i.id) i.id, i.amount::numeric AS amount, i.is_estimate, i.reported::numeric AS reported, i.flag, i.ord
                FROM jsonb_to_recordset(\(try Self.inputJSON(bookings))::jsonb)
                     AS i(id uuid, amount text, is_estimate boolean, reported text, flag text, ord int)
                ORDER BY i.id, i.ord
            ), g AS (
                SELECT g.id, g.team_id, g.campaign_id, g.created_by, g.provider, g.account_key, g.model_id, g.reserved_usd,
                       input.amount, input.is_estimate, input.reported, input.flag, input.ord
                FROM generations g JOIN input ON input.id = g.id
                FOR UPDATE OF g
            ), booked AS (
                INSERT INTO spend_ledger (team_id, generation_id, campaign_id, user_id, provider, account_key, model_id, amount_usd, is_estimate, cost_flag)
                SELECT team_id, id, campaign_id, created_by, provider, account_key, model_id, amount, is_estimate, flag FROM g ORDER BY ord
                ON CONFLICT (generation_id) DO NOTHING RETURNING generation_id
            ), b AS (
                SELECT g.* FROM g JOIN booked ON booked.generation_id = g.id
            ), t AS (
                -- greatest(r - a - b, 0) equals booking a then b one at a time: reservations are never negative.
                UPDATE teams SET reserved_usd = greatest(teams.reserved_usd - s.reserved, 0), spent_usd = teams.spent_usd + s.amount
                FROM (SELECT team_id, sum(reserved_usd) AS reserved, sum(amount) AS amount FROM b GROUP BY team_id) s
                WHERE teams.id = s.team_id
                RETURNING teams.id, teams.budget_usd, teams.spent_usd
            ), c AS (
                UPDATE campaigns SET reserved_usd = greatest(campaigns.reserved_usd - s.reserved, 0), spent_usd = campaigns.spent_usd + s.amount
                FROM (SELECT team_id, campaign_id, sum(reserved_usd) AS reserved, sum(amount) AS amount FROM b GROUP BY team_id, campaign_id) s
                WHERE campaigns.team_id = s.team_id AND campaigns.id = s.campaign_id
                RETURNING campaigns.team_id, campaigns.id, campaigns.name, campaigns.budget_usd, campaigns.spent_usd
            ), settled AS (
                UPDATE generations SET reserved_usd = 0, cost_usd = b.amount, cost_is_estimate = b.is_estimate,
                    reported_cost_usd = b.reported, cost_flag = b.flag
                FROM b WHERE generations.id = b.id
                RETURNING generations.id
            )
            SELECT b.id, b.team_id, b.amount, t.budget_usd, t.spent_usd, c.id, c.name, c.budget_usd, c.spent_usd
            FROM b JOIN settled ON settled.id = b.id
            LEFT JOIN t ON t.id = b.team_id
            LEFT JOIN c ON c.team_id = b.team_id AND c.id = b.campaign_id
            ORDER BY b.ord
            """, logger: logger)
        // The budgets as the whole batch left them, for the threshold events: no second read
        // while their rows are locked.
        var booked: [(generation: UUID, team: UUID, amount: Decimal, teamBudget: Decimal?, teamSpent: Decimal?,
                      campaign: UUID?, name: String?, campaignBudget: Decimal?, campaignSpent: Decimal?)] = []
        for try await row in rows.decode((UUID, UUID, Decimal, Decimal?, Decimal?, UUID?, String?, Decimal?, Decimal?).self) { booked.append(row) }
        // Each booking's own "after": the batch's end less what was booked after it, latest first.
        var laterInTeam: [UUID: Decimal] = [:], laterInCampaign: [UUID: Decimal] = [:]
        var budgetsAfter: [[WebhookOutbox.BookedBudget]] = []
        for row in booked.reversed() {
            var budgets: [WebhookOutbox.BookedBudget] = []
            if let budget = row.teamBudget, let spent = row.teamSpent {
                budgets.append(.init(scope: "team", team: row.team, campaign: nil, name: nil, budget: budget,
                                     spent: spent - laterInTeam[row.team, default: 0]))
            }
            if let campaign = row.campaign, let budget = row.campaignBudget, let spent = row.campaignSpent {
                budgets.append(.init(scope: "campaign", team: row.team, campaign: campaign, name: row.name, budget: budget,
                                     spent: spent - laterInCampaign[campaign, default: 0]))
            }
            laterInTeam[row.team, default: 0] += row.amount
            if let campaign = row.campaign { laterInCampaign[campaign, default: 0] += row.amount }
            budgetsAfter.append(budgets)
        }
        for (row, budgets) in zip(booked, budgetsAfter.reversed()) {
            try await outbox?.budgetCrossings(generation: row.generation, booked: row.amount, budgets: budgets, on: conn)
        }
        return Set(booked.map(\.generation))
    }

    /// The bookings as `jsonb_to_recordset` reads them: amounts as text, so no digit is lost.
    private static func inputJSON(_ bookings: [Booking]) throws -> String {
        struct Row: Encodable {
            let id: UUID
            let amount: String
            let is_estimate: Bool
            let reported: String?
            let flag: String?
            let ord: Int
        }
        let rows = bookings.enumerated().map { index, booking in
            Row(id: booking.generation, amount: "\(booking.charge.amount)", is_estimate: booking.charge.isEstimate,
                reported: booking.charge.reported.map { "\($0)" }, flag: booking.charge.flag, ord: index)
        }
        return String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }
}
