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
        let perAccount = grouping == .day || grouping == .team
        let rows = try await db.query("""
            WITH booked AS (\(Self.booked(team: team, since: since, until: until, perAccount: perAccount,
                                                keys: grouping == .apiKey))
            ), grouped AS (
                SELECT CASE WHEN \(group) = 'campaign' THEN campaign_id END AS campaign_id,
                       CASE WHEN \(group) = 'user' THEN user_id END AS user_id,
                       CASE WHEN \(group) = 'model' THEN model_id END AS model_id,
                       CASE WHEN \(group) = 'day' THEN day END AS day,
                       CASE WHEN \(group) = 'api_key' THEN api_key_id END AS api_key_id,
                       sum(generations) AS generations, sum(amount_usd) AS spent, sum(estimated_usd) AS estimated
                FROM booked GROUP BY 1, 2, 3, 4, 5
            ), labelled AS (
                SELECT CASE \(group)
                           WHEN 'team' THEN t.id::text
                           WHEN 'campaign' THEN coalesce(g.campaign_id::text, '')
                           WHEN 'user' THEN coalesce(g.user_id::text, '')
                           WHEN 'model' THEN g.model_id
                           WHEN 'api_key' THEN coalesce(g.api_key_id::text, '')
                           ELSE to_char(g.day, 'YYYY-MM-DD') END AS group_key,
                       CASE \(group)
                           WHEN 'team' THEN t.name
                           WHEN 'campaign' THEN coalesce(c.name, '(no campaign)')
                           WHEN 'user' THEN coalesce(u.email, '(no person)')
                           WHEN 'model' THEN g.model_id
                           WHEN 'api_key' THEN coalesce(k.name || ' (' || k.prefix || ')', '(no API key)')
                           ELSE to_char(g.day, 'YYYY-MM-DD') END AS label,
                       g.generations, g.spent, g.estimated
                FROM grouped g
                JOIN teams t ON t.id = \(team)
                LEFT JOIN campaigns c ON c.team_id = \(team) AND c.id = g.campaign_id
                LEFT JOIN users u ON u.id = g.user_id
                LEFT JOIN api_keys k ON k.team_id = \(team) AND k.id = g.api_key_id
            )
            SELECT group_key, label, generations::int8, spent, estimated FROM labelled
            ORDER BY CASE WHEN \(group) = 'day' THEN group_key END, spent DESC, group_key
            """, logger: logger)
        var result: [SpendRow] = []
        for try await (key, label, count, spent, estimated) in rows.decode((String, String, Int, Decimal, Decimal).self) {
            result.append(SpendRow(key: key, label: label, generations: count, spent_usd: spent,
                                   estimated_usd: estimated, reported_usd: spent - estimated))
        }
        return result
    }

    /// What was booked in `[since, until)`, read from the coarsest rollup that is exact for it:
    /// whole UTC months from `spend_monthly`, the other whole days from `spend_daily`, and the
    /// partial days at either end from the ledger itself (migrations/0021_spend_rollups.sql).
    /// Columns: campaign_id, user_id, model_id, account_key, day, amount_usd, estimated_usd, generations, api_key_id;
    /// a month's rows carry its first day as `day`, so only `perAccount` reads may group by day.
    /// `perAccount` reads the narrow rollup (`spend_daily_accounts`, a few rows a day): enough
    /// for totals by day, team or account, where campaign, person, model and key come back NULL.
    /// The ledger rows name no API key (it is the generation's) unless `keys` asks for it.
    static func booked(team: UUID, since: Date, until: Date, perAccount: Bool = false, keys: Bool = false) -> SQLFragment {
        let (from, to) = wholeDays(since: since, until: until)
        let key: SQLFragment = keys ? "(SELECT g.api_key_id FROM generations g WHERE g.id = spend_ledger.generation_id)" : "NULL::uuid"
        let ledger: SQLFragment = """
            SELECT campaign_id, user_id, model_id, account_key, (created_at AT TIME ZONE 'UTC')::date, amount_usd,
                   CASE WHEN is_estimate THEN amount_usd ELSE 0 END, 1, \(key)
            FROM spend_ledger
            WHERE team_id = \(team)
              AND ((created_at >= \(since) AND created_at < \(from)) OR (created_at >= \(to) AND created_at < \(until)))
            """
        if perAccount {
            return """
                SELECT NULL::uuid AS campaign_id, NULL::uuid AS user_id, NULL::text AS model_id, account_key, day, amount_usd, estimated_usd,
                       generations, NULL::uuid AS api_key_id
                FROM spend_daily_accounts
                WHERE team_id = \(team) AND day >= (\(from) AT TIME ZONE 'UTC')::date AND day < (\(to) AT TIME ZONE 'UTC')::date
                UNION ALL
                \(ledger)
                """
        }
        let (firstMonth, endMonth) = wholeMonths(from: from, to: to)
        return """
            SELECT campaign_id, user_id, model_id, account_key, month AS day, amount_usd, estimated_usd, generations, api_key_id FROM spend_monthly
            WHERE team_id = \(team) AND month >= (\(firstMonth) AT TIME ZONE 'UTC')::date AND month < (\(endMonth) AT TIME ZONE 'UTC')::date
            UNION ALL
            SELECT campaign_id, user_id, model_id, account_key, day, amount_usd, estimated_usd, generations, api_key_id FROM spend_daily
            WHERE team_id = \(team)
              AND ((day >= (\(from) AT TIME ZONE 'UTC')::date AND day < (\(firstMonth) AT TIME ZONE 'UTC')::date)
                OR (day >= (\(endMonth) AT TIME ZONE 'UTC')::date AND day < (\(to) AT TIME ZONE 'UTC')::date))
            UNION ALL
            \(ledger)
            """
    }

    /// The whole UTC months inside the whole days `[from, to)` as `[first, end)`; `first == end == to` when none.
    static func wholeMonths(from: Date, to: Date) -> (Date, Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let startOfFromMonth = calendar.dateInterval(of: .month, for: from)!.start
        let first = startOfFromMonth == from ? from : calendar.date(byAdding: .month, value: 1, to: startOfFromMonth)!
        let end = calendar.dateInterval(of: .month, for: to)!.start
        guard first < end else { return (to, to) }
        return (first, end)
    }

    /// The whole UTC days inside `[since, until)` as `[from, to)`; `from == to == until` when none.
    static func wholeDays(since: Date, until: Date) -> (Date, Date) {
        let day: TimeInterval = 86_400
        let from = (since.timeIntervalSince1970 / day).rounded(.up) * day
        let to = (until.timeIntervalSince1970 / day).rounded(.down) * day
        guard from < to else { return (until, until) }
        return (Date(timeIntervalSince1970: from), Date(timeIntervalSince1970: to))
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
                SELECT account_key, sum(amount_usd) AS usd FROM (\(Self.booked(team: team, since: since, until: until, perAccount: true))) parts
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
