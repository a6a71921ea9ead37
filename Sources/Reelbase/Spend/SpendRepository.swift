import Foundation
import Logging
import PostgresNIO

/// Reads the spend ledger (one row per billed generation) and the credit snapshots for reports.
/// Every query is scoped to one team.
struct SpendRepository: Sendable {
    let db: PostgresClient
    let logger: Logger

    /// Ledger rows booked in `[since, until)`, grouped. Days are UTC days of the booking.
    func grouped(team: UUID, by grouping: SpendGrouping, since: Date, until: Date) async throws -> [SpendRow] {
        let group = grouping.rawValue
        let rows = try await db.query("""
            SELECT group_key, label, count(*)::int8, sum(amount_usd), coalesce(sum(amount_usd) FILTER (WHERE is_estimate), 0)
            FROM (
                SELECT CASE \(group)
                           WHEN 'team' THEN l.team_id::text
                           WHEN 'campaign' THEN coalesce(l.campaign_id::text, '')
                           WHEN 'user' THEN coalesce(l.user_id::text, '')
                           WHEN 'model' THEN l.model_id
                           ELSE to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END AS group_key,
                       CASE \(group)
                           WHEN 'team' THEN t.name
                           WHEN 'campaign' THEN coalesce(c.name, '(no campaign)')
                           WHEN 'user' THEN coalesce(u.email, '(no person)')
                           WHEN 'model' THEN l.model_id
                           ELSE to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END AS label,
                       l.amount_usd, l.is_estimate
                FROM spend_ledger l
                JOIN teams t ON t.id = l.team_id
                LEFT JOIN campaigns c ON c.team_id = l.team_id AND c.id = l.campaign_id
                LEFT JOIN users u ON u.id = l.user_id
                WHERE l.team_id = \(team) AND l.created_at >= \(since) AND l.created_at < \(until)
            ) booked
            GROUP BY group_key, label
            ORDER BY CASE WHEN \(group) = 'day' THEN group_key END, sum(amount_usd) DESC, group_key
            """, logger: logger)
        var result: [SpendRow] = []
        for try await (key, label, count, spent, estimated) in rows.decode((String, String, Int, Decimal, Decimal).self) {
            result.append(SpendRow(key: key, label: label, generations: count, spent_usd: spent,
                                   estimated_usd: estimated, reported_usd: spent - estimated))
        }
        return result
    }

    /// Per provider account: what the ledger booked in the range beside how far the reported
    /// balance fell. Snapshots name an account by id (NULL for the instance default, told apart
    /// by provider); the ledger by account key, so snapshots are mapped to keys here.
    ///
    /// The opening balance is the last one reported before `since`. Without one, it is the first
    /// balance in the range plus that snapshot's own cost: the balance just before the charge it
    /// reports, so the first job of the range counts on both sides.
    func drift(team: UUID, since: Date, until: Date) async throws -> [SpendDrift] {
        let rows = try await db.query("""
            WITH snaps AS (
                SELECT coalesce(account_id::text, 'default:' || provider) AS account_key, remaining, cost, observed_at, id
                FROM credit_snapshots
                WHERE team_id = \(team) AND remaining IS NOT NULL AND observed_at < \(until)
            ), booked AS (
                SELECT account_key, sum(amount_usd) AS usd FROM spend_ledger
                WHERE team_id = \(team) AND created_at >= \(since) AND created_at < \(until)
                GROUP BY account_key
            ), keys AS (
                SELECT account_key FROM booked
                UNION SELECT account_key FROM snaps WHERE observed_at >= \(since)
            )
            SELECT k.account_key,
                   coalesce(pa.name, CASE WHEN k.account_key LIKE 'default:%' THEN 'instance ' || substr(k.account_key, 9) || ' account' ELSE 'removed account' END),
                   coalesce(b.usd, 0),
                   opening.id, opening.balance, opening.observed_at, opening.before_charge,
                   closing.id, closing.remaining, closing.observed_at,
                   (SELECT count(*) FROM snaps s WHERE s.account_key = k.account_key AND s.observed_at >= \(since))::int8
            FROM keys k
            LEFT JOIN booked b ON b.account_key = k.account_key
            LEFT JOIN provider_accounts pa ON pa.team_id = \(team) AND pa.id::text = k.account_key
            LEFT JOIN LATERAL (
                SELECT s.id, s.observed_at,
                       CASE WHEN s.observed_at < \(since) THEN s.remaining ELSE s.remaining + coalesce(s.cost, 0) END AS balance,
                       s.observed_at >= \(since) AND s.cost IS NOT NULL AS before_charge
                FROM snaps s WHERE s.account_key = k.account_key
                ORDER BY (s.observed_at < \(since)) DESC,
                         CASE WHEN s.observed_at < \(since) THEN s.observed_at END DESC,
                         s.observed_at, s.id
                LIMIT 1
            ) opening ON true
            LEFT JOIN LATERAL (
                SELECT s.id, s.remaining, s.observed_at FROM snaps s WHERE s.account_key = k.account_key AND s.observed_at >= \(since)
                ORDER BY s.observed_at DESC, s.id DESC LIMIT 1
            ) closing ON true
            ORDER BY k.account_key
            """, logger: logger)
        var result: [SpendDrift] = []
        for try await (key, label, booked, openingID, opening, openedAt, beforeCharge, closingID, closing, closedAt, count)
            in rows.decode((String, String, Decimal, Int64?, Decimal?, Date?, Bool?, Int64?, Decimal?, Date?, Int).self) {
            // A fall needs two balances, or one whose own charge tells the balance before it.
            var fall: Decimal?
            if let opening, let closing, openingID != closingID || beforeCharge == true { fall = opening - closing }
            result.append(SpendDrift(account_key: key, label: label, booked_usd: booked,
                                     opening_balance: opening, opening_at: openedAt, closing_balance: closing, closing_at: closedAt,
                                     balance_fall: fall, drift: fall.map { booked - $0 }, snapshots: count))
        }
        return result
    }
}
