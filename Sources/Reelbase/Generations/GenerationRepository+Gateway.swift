import Foundation
import PostgresNIO

/// What the gateway reads: one request's state in Segmind's terms, and what is left of the
/// budgets that hold a call.
extension GenerationRepository {
    struct GatewayRequest: Sendable {
        let id: UUID
        let state: GenerationState
        let errorMessage: String?
        let cost: Decimal?
        let estimate: Decimal
        let creditsAfter: Decimal?
        let createdAt: Date
        let submittedAt: Date?
        let finishedAt: Date?
        let videoBlob: UUID?
        let campaignID: UUID?
        let apiKeyID: UUID?
    }

    /// A gateway request of this team made in the last `retention` seconds; nil otherwise (404).
    func gatewayRequest(team: UUID, id: UUID, retention: TimeInterval) async throws -> GatewayRequest? {
        let rows = try await db.query("""
            SELECT id, state, error_message, cost_usd, estimated_cost_usd, credits_after, created_at, submitted_at, finished_at,
                   video_blob_id, campaign_id, api_key_id
            FROM generations
            WHERE team_id = \(team) AND id = \(id) AND source = \(GenerationSource.gateway.rawValue)
              AND created_at > now() - \(Int(retention)) * interval '1 second'
            """, logger: logger)
        guard let c = try await rows.decode((UUID, GenerationState, String?, Decimal?, Decimal, Decimal?, Date, Date?, Date?, UUID?, UUID?, UUID?).self)
            .firstElement() else { return nil }
        return GatewayRequest(id: c.0, state: c.1, errorMessage: c.2, cost: c.3, estimate: c.4, creditsAfter: c.5, createdAt: c.6,
                              submittedAt: c.7, finishedAt: c.8, videoBlob: c.9, campaignID: c.10, apiKeyID: c.11)
    }

    /// The tightest of what is left of the team's, the campaign's and the key's budgets (the
    /// key's for its current period); nil when none of them has a budget.
    func remainingBudget(team: UUID, campaign: UUID?, key: UUID?) async throws -> Decimal? {
        let now = clock.now()
        let rows = try await db.query("""
            SELECT t.budget_usd - t.reserved_usd - t.spent_usd,
                   (SELECT c.budget_usd - c.reserved_usd - c.spent_usd FROM campaigns c WHERE c.team_id = t.id AND c.id = \(campaign)),
                   (SELECT k.budget_usd - (SELECT coalesce(sum(g.reserved_usd + coalesce(g.cost_usd, 0)), 0) FROM generations g
                                           WHERE g.api_key_id = k.id AND g.key_charged_at >= \(APIKeyRepository.periodStart(now: now, column: "k.budget_period")))
                    FROM api_keys k WHERE k.team_id = t.id AND k.id = \(key))
            FROM teams t WHERE t.id = \(team)
            """, logger: logger)
        guard let (teamLeft, campaignLeft, keyLeft) = try await rows.decode((Decimal?, Decimal?, Decimal?).self).firstElement() else { return nil }
        return [teamLeft, campaignLeft, keyLeft].compactMap { $0 }.map { max($0, 0) }.min()
    }
}
