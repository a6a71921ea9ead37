import Foundation
import Logging
import PostgresNIO
import Testing
@testable import Reelbase

/// Rows written straight into the tables the pipeline fills, so reports can be checked
/// against figures chosen by hand.
enum SpendFixtures {
    static func date(_ iso: String) -> Date { try! Date(iso, strategy: .iso8601) }

    static func owner(of team: UUID) async throws -> UUID {
        try await TestEnv.withAdmin { db, logger in
            let rows = try await db.query("SELECT user_id FROM memberships WHERE team_id = \(team) AND role = 'owner'", logger: logger)
            return try await rows.decode(UUID.self).firstElement()!
        }
    }

    static func user(email: String) async throws -> UUID {
        try await TestEnv.withAdmin { db, logger in
            let rows = try await db.query("INSERT INTO users (email, password_hash) VALUES (\(email), 'x') RETURNING id", logger: logger)
            return try await rows.decode(UUID.self).firstElement()!
        }
    }

    static func campaign(team: UUID, name: String) async throws -> UUID {
        try await TestEnv.withAdmin { db, logger in
            let rows = try await db.query("INSERT INTO campaigns (team_id, name) VALUES (\(team), \(name)) RETURNING id", logger: logger)
            return try await rows.decode(UUID.self).firstElement()!
        }
    }

    /// A team provider account with a placeholder sealed key (reports never open it).
    static func account(team: UUID, name: String = "team segmind") async throws -> UUID {
        try await TestEnv.withAdmin { db, logger in
            let rows = try await db.query("""
                INSERT INTO provider_accounts (team_id, provider, name, api_key_sealed, api_key_last4)
                VALUES (\(team), 'segmind', \(name), \(Data([0])), 'abcd') RETURNING id
                """, logger: logger)
            return try await rows.decode(UUID.self).firstElement()!
        }
    }

    /// A succeeded generation and its ledger row, booked at `at`.
    static func book(team: UUID, amount: String, estimate: Bool = false, at: String, campaign: UUID? = nil, user: UUID? = nil,
                     model: String = "segmind/veo-3", accountKey: String = "default:segmind") async throws {
        let cost = Decimal(string: amount)!
        let when = date(at)
        try await TestEnv.withAdmin { db, logger in
            let rows = try await db.query("""
                INSERT INTO generations (team_id, campaign_id, created_by, provider, model_id, account_key, prompt_text, params,
                                         state, estimated_cost_usd, cost_usd, cost_is_estimate, created_at, finished_at)
                VALUES (\(team), \(campaign), \(user), 'segmind', \(model), \(accountKey), 'a fixture', '{}'::jsonb,
                        'succeeded', \(cost), \(cost), \(estimate), \(when), \(when))
                RETURNING id
                """, logger: logger)
            let id = try await rows.decode(UUID.self).firstElement()!
            try await db.query("""
                INSERT INTO spend_ledger (team_id, generation_id, campaign_id, user_id, provider, account_key, model_id, amount_usd, is_estimate, created_at)
                VALUES (\(team), \(id), \(campaign), \(user), 'segmind', \(accountKey), \(model), \(cost), \(estimate), \(when))
                """, logger: logger)
        }
    }

    static func snapshot(team: UUID, account: UUID?, remaining: String, cost: String? = nil, at: String) async throws {
        let value = Decimal(string: remaining)!
        let charge = cost.flatMap { Decimal(string: $0) }
        let when = date(at)
        try await TestEnv.withAdmin { db, logger in
            try await db.query("""
                INSERT INTO credit_snapshots (team_id, account_id, provider, remaining, cost, source, observed_at)
                VALUES (\(team), \(account), 'segmind', \(value), \(charge)::numeric, 'header', \(when))
                """, logger: logger)
        }
    }

    static func alert(team: UUID, accountKey: String, kind: String = "insufficient_credits", pausedUntil: Date? = nil) async throws -> UUID {
        try await TestEnv.withAdmin { db, logger in
            try await db.query("""
                INSERT INTO provider_pauses (account_key, paused_until, reason) VALUES (\(accountKey), coalesce(\(pausedUntil)::timestamptz, 'infinity'), \(kind))
                ON CONFLICT (account_key) DO UPDATE SET paused_until = excluded.paused_until
                """, logger: logger)
            let rows = try await db.query("""
                INSERT INTO alerts (team_id, account_key, kind, message) VALUES (\(team), \(accountKey), \(kind), 'fixture alert') RETURNING id
                """, logger: logger)
            return try await rows.decode(UUID.self).firstElement()!
        }
    }

    static func pauseExists(_ accountKey: String) async throws -> Bool {
        try await TestEnv.withAdmin { db, logger in
            let rows = try await db.query("SELECT count(*)::int8 FROM provider_pauses WHERE account_key = \(accountKey)", logger: logger)
            return try await rows.decode(Int.self).firstElement()! > 0
        }
    }
}
