import Foundation
import Logging
import PostgresNIO

public struct CreditSnapshot: Codable, Sendable {
    public let account_id: UUID?
    public let provider: String
    public let remaining: Decimal?
    public let cost: Decimal?
    public let source: String
    public let generation_id: UUID?
    public let observed_at: Date
}

/// Every balance a provider reports, appended per account; the history behind the credit chart.
public struct CreditRepository: Sendable {
    let db: PostgresClient
    let logger: Logger

    public init(db: PostgresClient, logger: Logger) {
        self.db = db
        self.logger = logger
    }

    /// Appends inside the caller's transaction (the worker records it with the result it came with).
    public func record(_ observation: CreditObservation, team: UUID, account: UUID?, generation: UUID?, on conn: PostgresConnection) async throws {
        try await conn.query("\(Self.insert(observation, team: team, account: account, generation: generation))", logger: logger)
    }

    /// The row one observation adds, as a statement a caller can also put inside a larger one
    /// (the worker writes it with the state change it came with: one round trip, not two).
    /// `condition`: e.g. that the state change it came with matched its row. The casts type the
    /// NULL binds, which a SELECT list does not take from the columns.
    static func insert(_ observation: CreditObservation, team: UUID, account: UUID?, generation: UUID?, when condition: SQLFragment = "true") -> SQLFragment {
        """
        INSERT INTO credit_snapshots (team_id, account_id, provider, remaining, cost, source, generation_id, observed_at)
        SELECT \(team)::uuid, \(account)::uuid, \(observation.account.rawValue)::text, \(observation.remaining)::numeric, \(observation.cost)::numeric,
               \(observation.source.rawValue)::text, \(generation)::uuid, \(observation.observedAt)::timestamptz
        WHERE \(condition)
        """
    }

    public func record(_ observation: CreditObservation, team: UUID, account: UUID?, generation: UUID?) async throws {
        try await db.withConnection { conn in
            try await record(observation, team: team, account: account, generation: generation, on: conn)
        }
    }

    /// Newest first, per account; `before` is the id cursor of the previous page.
    func history(team: UUID, account: UUID?, before: Int64?, limit: Int) async throws -> [(Int64, CreditSnapshot)] {
        var conditions: [SQLFragment] = ["team_id = \(team)"]
        if let account { conditions.append("account_id = \(account)") }
        if let before { conditions.append("id < \(before)") }
        let rows = try await db.query("""
            SELECT id, account_id, provider, remaining, cost, source, generation_id, observed_at
            FROM credit_snapshots WHERE \(all: conditions)
            ORDER BY id DESC LIMIT \(limit)
            """, logger: logger)
        var result: [(Int64, CreditSnapshot)] = []
        for try await (id, accountID, provider, remaining, cost, source, generation, observed)
            in rows.decode((Int64, UUID?, String, Decimal?, Decimal?, String, UUID?, Date).self) {
            result.append((id, CreditSnapshot(account_id: accountID, provider: provider, remaining: remaining, cost: cost,
                                              source: source, generation_id: generation, observed_at: observed)))
        }
        return result
    }
}
