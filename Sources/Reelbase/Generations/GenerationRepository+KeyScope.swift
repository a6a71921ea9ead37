import Foundation
import PostgresNIO

/// Where a generation request came in: the REST API and dashboard, or the Segmind-compatible gateway.
enum GenerationSource: String, Sendable, Codable {
    case api, gateway
}

extension GenerationRepository {
    /// A key's own limits, checked inside the enqueue transaction after the team's and the
    /// campaigns' reservations (so every transaction takes its locks in the same order): the
    /// model allow-list, the requests per minute, and the budget for the key's current period.
    /// The key's row is held until commit, so concurrent calls with one key are counted one
    /// after the other and the tightest budget wins.
    func reserveForKey(_ key: UUID, plans: [PlannedGeneration], total: Decimal, team: UUID, now: Date, on conn: PostgresConnection) async throws {
        let rows = try await conn.query("""
            SELECT budget_usd, budget_period, allowed_models, rate_limit_per_minute FROM api_keys
            WHERE team_id = \(team) AND id = \(key) FOR UPDATE
            """, logger: logger)
        guard let (budget, periodName, allowed, rateLimit) = try await rows.decode((Decimal?, String, [String]?, Int?).self).firstElement() else { return }
        let scope = KeyScope(budget_usd: budget, budget_period: BudgetPeriod(rawValue: periodName) ?? .none, allowed_models: allowed,
                             rate_limit_per_minute: rateLimit)
        let refused = Set(plans.map(\.model.id).filter { !scope.allows(model: $0) })
        if !refused.isEmpty {
            throw AppError(.forbidden, "model_not_allowed",
                           "This API key may not run \(refused.sorted().joined(separator: ", ")); it may run \((allowed ?? []).joined(separator: ", ")).",
                           details: ["allowed_models": .array((allowed ?? []).map { .string($0) })])
        }
        if let rateLimit { try await countCalls(key: key, calls: plans.count, limit: rateLimit, now: now, on: conn) }
        guard let budget else { return }
        let start = scope.budget_period.start(of: now)
        let usage = try await conn.query("""
            SELECT coalesce(sum(reserved_usd + coalesce(cost_usd, 0)), 0) FROM generations WHERE api_key_id = \(key) AND key_charged_at >= \(start)
            """, logger: logger)
        let used = try await usage.decode(Decimal.self).firstElement() ?? 0
        guard used + total <= budget else {
            let left = max(budget - used, 0)
            throw AppError(.init(code: 402), "budget_exceeded",
                           "This needs an estimated $\(total) but the API key's \(scope.budget_period == .none ? "" : scope.budget_period.rawValue + "ly ")budget has $\(left) left ($\(budget) budget, $\(used) used).",
                           details: ["scope": "api_key", "estimate_usd": .string("\(total)"), "budget_usd": .string("\(budget)"),
                                     "used_usd": .string("\(used)"), "available_usd": .string("\(left)"),
                                     "period": .string(scope.budget_period.rawValue), "period_start": .string(start.iso8601WithFraction)])
        }
    }

    /// Fixed one-minute windows shared by every replica; a refused call is rolled back with its transaction.
    private func countCalls(key: UUID, calls: Int, limit: Int, now: Date, on conn: PostgresConnection) async throws {
        let window = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        try await conn.query("DELETE FROM api_key_rate_windows WHERE api_key_id = \(key) AND window_start < \(window)", logger: logger)
        let rows = try await conn.query("""
            INSERT INTO api_key_rate_windows AS w (api_key_id, window_start, calls) VALUES (\(key), \(window), \(calls))
            ON CONFLICT (api_key_id, window_start) DO UPDATE SET calls = w.calls + excluded.calls
            RETURNING calls
            """, logger: logger)
        let count = try await rows.decode(Int.self).firstElement() ?? 0
        guard count <= limit else {
            let reset = window.addingTimeInterval(60)
            throw AppError(.tooManyRequests, "rate_limited", "This API key may make \(limit) generation requests a minute; try again after \(reset.iso8601WithFraction).",
                           details: ["retry_after_seconds": .number(max(1, reset.timeIntervalSince(now).rounded(.up))),
                                     "reset_at": .string(reset.iso8601WithFraction)])
        }
    }
}
