import Foundation
import Logging
import PostgresNIO

/// Where events enter the webhook pipeline, always inside the transaction that made them
/// happen: if it commits, every active endpoint of the team subscribed to the type has a
/// `webhook_deliveries` row and a `deliver_webhook` job; if it rolls back, nothing was sent.
/// A team without such endpoints costs one indexed look-up and stores nothing.
struct WebhookOutbox: Sendable {
    let jobs: JobQueue
    let logger: Logger

    func emit<Payload: Encodable & Sendable>(_ type: WebhookEventType, _ data: Payload, team: UUID, on conn: PostgresConnection) async throws {
        let endpoints = try await conn.query("""
            SELECT id FROM webhook_endpoints WHERE team_id = \(team) AND active AND \(type.rawValue) = ANY(events)
            """, logger: logger)
        var targets: [UUID] = []
        for try await id in endpoints.decode(UUID.self) { targets.append(id) }
        guard !targets.isEmpty else { return }

        let now = jobs.clock.now()
        let eventID = UUID()
        let body = String(decoding: try JSONEncoder.api.encode(WebhookEnvelope(type: type.rawValue, timestamp: now, data: data)), as: UTF8.self)
        try await conn.query("""
            INSERT INTO webhook_events (id, team_id, type, body, created_at) VALUES (\(eventID), \(team), \(type.rawValue), \(body), \(now))
            """, logger: logger)
        for endpoint in targets {
            let token = UUID()
            let rows = try await conn.query("""
                INSERT INTO webhook_deliveries (team_id, endpoint_id, event_id, state, job_token, next_attempt_at, created_at)
                VALUES (\(team), \(endpoint), \(eventID), \(WebhookDeliveryState.pending), \(token), \(now), \(now)) RETURNING id
                """, logger: logger)
            let delivery = try await rows.decode(UUID.self).firstElement()!
            try await jobs.enqueue(DeliverWebhook.self, .init(delivery: delivery, token: token), team: team, on: conn)
        }
    }

    /// A team's or campaign's budget and its spend just after a booking.
    struct BookedBudget: Sendable {
        let scope: String
        let team: UUID
        let campaign: UUID?
        let name: String?
        let budget: Decimal
        let spent: Decimal
    }

    /// After spend was booked for `generation` (in this transaction, rows still locked): one
    /// `budget.threshold` for each team or campaign budget whose spend just went from below 80 %
    /// (or 100 %) to at or above it. Spend only grows, and each booking holds the budget's row
    /// lock, so exactly one booking sees each crossing. `budgets` come back from the booking's
    /// own statement (SpendLedger.settle): no read of its own while the budget rows are locked.
    func budgetCrossings(generation: UUID, booked amount: Decimal, budgets: [BookedBudget], on conn: PostgresConnection) async throws {
        guard amount > 0 else { return }
        var crossings: [BudgetThresholdData] = []
        for booked in budgets where booked.budget > 0 {
            let before = booked.spent - amount
            for percent in [80, 100] {
                let line = booked.budget * Decimal(percent) / 100
                if before < line, booked.spent >= line {
                    crossings.append(BudgetThresholdData(scope: booked.scope, team_id: booked.team, campaign_id: booked.campaign,
                                                         campaign_name: booked.name, threshold_percent: percent, budget_usd: booked.budget,
                                                         spent_usd: booked.spent, generation_id: generation))
                }
            }
        }
        for crossing in crossings { try await emit(.budgetThreshold, crossing, team: crossing.team_id, on: conn) }
    }
}
