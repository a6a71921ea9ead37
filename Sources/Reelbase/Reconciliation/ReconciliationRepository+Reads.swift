import Foundation
import PostgresNIO

/// The API's reads of reconciliation runs, scoped by team.
extension ReconciliationRepository {
    private static let columns: SQLFragment = """
        r.id, r.account_key, r.account_id, r.window_start, r.window_end, r.state, r.trigger, r.error,
        r.matched, r.cost_mismatch, r.not_booked, r.unknown_to_provider, r.ledger_usd, r.provider_usd, r.created_at, r.finished_at,
        (extract(epoch FROM r.created_at) * 1000000)::int8
        """

    /// Newest first; `account` narrows to one account.
    func list(team: UUID, account: UUID?, after cursor: ListCursor?, limit: Int) async throws -> [(ReconciliationRun, ListCursor)] {
        try await runs(db.query("""
            SELECT \(Self.columns) FROM reconciliation_runs r
            WHERE r.team_id = \(team) AND (\(account)::uuid IS NULL OR r.account_id = \(account))
              AND (\(cursor?.micros)::int8 IS NULL
                   OR (r.created_at, r.id) < (timestamptz 'epoch' + \(cursor?.micros) * interval '1 microsecond', \(cursor?.id)))
            ORDER BY r.created_at DESC, r.id DESC
            LIMIT \(limit + 1)
            """, logger: logger))
    }

    /// One run with its lines (discrepancies first); nil when the team has no such run.
    func get(team: UUID, id: UUID) async throws -> ReconciliationRun? {
        guard var run = try await runs(db.query("SELECT \(Self.columns) FROM reconciliation_runs r WHERE r.team_id = \(team) AND r.id = \(id)",
                                                logger: logger)).first?.0 else { return nil }
        let rows = try await db.query("""
            SELECT kind, request_id, generation_id, model, provider_status, ledger_usd, provider_usd, requested_at
            FROM reconciliation_lines WHERE team_id = \(team) AND run_id = \(id)
            ORDER BY kind = 'matched', requested_at, id
            """, logger: logger)
        var lines: [ReconciliationRun.Line] = []
        for try await (kind, requestID, generation, model, status, ledger, provider, at)
            in rows.decode((String, String?, UUID?, String?, String?, Decimal?, Decimal?, Date?).self) {
            lines.append(.init(kind: kind, request_id: requestID, generation_id: generation, model: model, provider_status: status,
                               ledger_usd: ledger, provider_usd: provider, requested_at: at))
        }
        run.lines = lines
        return run
    }

    private func runs(_ rows: PostgresRowSequence) async throws -> [(ReconciliationRun, ListCursor)] {
        var result: [(ReconciliationRun, ListCursor)] = []
        for try await row in rows.decode((UUID, String, UUID?, Date, Date, String, String, String?, Int, Int, Int, Int, Decimal, Decimal, Date, Date?, Int64).self) {
            let totals = ReconciliationRun.Totals(matched: row.8, cost_mismatch: row.9, not_booked: row.10, unknown_to_provider: row.11,
                                                  ledger_usd: row.12, provider_usd: row.13)
            result.append((ReconciliationRun(id: row.0, account_key: row.1, account_id: row.2, from: row.3, to: row.4, state: row.5, trigger: row.6,
                                             error: row.7, totals: totals, created_at: row.14, finished_at: row.15, lines: nil),
                           ListCursor(micros: row.16, id: row.0)))
        }
        return result
    }
}
