import Foundation
import Logging
import PostgresNIO

/// A team's share of the instance default accounts: at most `cap` USD per UTC month, counting
/// what is booked on them this month and what is reserved by the team's unfinished generations
/// on them. The operator sets it; no team setting can lift it.
struct DefaultAccountShare: Sendable {
    let cap: Decimal
    let logger: Logger

    /// Refuses (402 `budget_exceeded`, scope `default_account`) when `amount` more would pass the cap.
    /// Call with the team row locked, so two enqueues cannot both take the last dollars.
    func check(_ amount: Decimal, team: UUID, on conn: PostgresConnection) async throws {
        let rows = try await conn.query("""
            SELECT
              coalesce((SELECT sum(amount_usd) FROM spend_ledger
                        WHERE team_id = \(team) AND account_key LIKE 'default:%'
                          AND created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'), 0)::numeric(18,6),
              coalesce((SELECT sum(reserved_usd) FROM generations
                        WHERE team_id = \(team) AND account_id IS NULL AND reserved_usd > 0), 0)::numeric(18,6)
            """, logger: logger)
        guard let (spent, reserved) = try await rows.decode((Decimal, Decimal).self).firstElement() else { return }
        let left = cap - spent - reserved
        guard amount > left else { return }
        throw AppError(.init(code: 402), "budget_exceeded",
                       "This needs an estimated $\(amount) on the instance's shared provider accounts, but this team's monthly share has $\(max(left, 0)) left "
                           + "($\(cap) a month, $\(reserved) reserved, $\(spent) spent). Add a provider account of your own to go on.",
                       details: ["scope": "default_account", "estimate_usd": .string("\(amount)"), "budget_usd": .string("\(cap)"),
                                 "reserved_usd": .string("\(reserved)"), "spent_usd": .string("\(spent)"), "available_usd": .string("\(max(left, 0))")])
    }
}
