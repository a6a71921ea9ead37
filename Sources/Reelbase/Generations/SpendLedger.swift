import Foundation
import Logging
import PostgresNIO

/// Moves a generation's reservation: released when nothing was billed, turned into spend
/// (with a ledger row) when the provider billed. Always inside the caller's transaction.
struct SpendLedger: Sendable {
    let logger: Logger

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

    /// Releases the reservation and books `cost` as spent, once per generation. The ledger row's
    /// trigger adds it to the daily rollup (`spend_daily`) in this same transaction.
    func settle(generation: UUID, cost: Decimal, isEstimate: Bool, on conn: PostgresConnection) async throws {
        try await conn.query("""
            WITH g AS (
                SELECT id, team_id, campaign_id, created_by, provider, account_key, model_id, reserved_usd FROM generations WHERE id = \(generation) FOR UPDATE
            ), booked AS (
                INSERT INTO spend_ledger (team_id, generation_id, campaign_id, user_id, provider, account_key, model_id, amount_usd, is_estimate)
                SELECT team_id, id, campaign_id, created_by, provider, account_key, model_id, \(cost), \(isEstimate) FROM g
                ON CONFLICT (generation_id) DO NOTHING RETURNING generation_id
            ), t AS (
                UPDATE teams SET reserved_usd = greatest(teams.reserved_usd - g.reserved_usd, 0), spent_usd = teams.spent_usd + \(cost)
                FROM g, booked WHERE teams.id = g.team_id
            ), c AS (
                UPDATE campaigns SET reserved_usd = greatest(campaigns.reserved_usd - g.reserved_usd, 0), spent_usd = campaigns.spent_usd + \(cost)
                FROM g, booked WHERE campaigns.team_id = g.team_id AND campaigns.id = g.campaign_id
            )
            UPDATE generations SET reserved_usd = 0, cost_usd = \(cost), cost_is_estimate = \(isEstimate)
            FROM g, booked WHERE generations.id = g.id
            """, logger: logger)
    }
}
