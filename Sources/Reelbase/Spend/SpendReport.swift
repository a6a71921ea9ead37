import Foundation
import Hummingbird

/// How `GET /spend` groups the ledger.
enum SpendGrouping: String, CaseIterable, Sendable, Codable {
    case team, campaign, user, model, day
    case apiKey = "api_key"
}

/// One group of the spend report: what was booked for it, and how much of that is our estimate.
struct SpendRow: Codable, Sendable {
    /// The group's id: team, campaign or user id, model id, or the UTC day (YYYY-MM-DD).
    /// Empty for "no campaign" / "no person" (an API key with no creator).
    let key: String
    /// What a person reads: campaign name, user email, model id, the day.
    let label: String
    let generations: Int
    let spent_usd: Decimal
    /// The part of `spent_usd` that is a price-table estimate (the provider reported no cost).
    let estimated_usd: Decimal
    /// The part the provider reported: `spent_usd - estimated_usd`.
    let reported_usd: Decimal
}

/// The booked costs of one provider account beside the fall of its reported balance, so a
/// difference between the two is visible rather than averaged away.
struct SpendDrift: Codable, Sendable {
    /// A provider_accounts id (lowercase) or `default:<provider>` for the instance account.
    let account_key: String
    let label: String
    /// Sum of the ledger for this account in the range.
    let booked_usd: Decimal
    /// The balance as the range opened: the last snapshot before `since`, else the first in
    /// range plus its own reported cost (the balance just before that charge).
    let opening_balance: Decimal?
    let opening_at: Date?
    /// The last balance reported in the range.
    let closing_balance: Decimal?
    let closing_at: Date?
    /// `opening_balance - closing_balance`; nil with fewer than two balances to compare.
    let balance_fall: Decimal?
    /// `booked_usd - balance_fall`: positive when we booked more than the balance fell.
    let drift: Decimal?
    /// Balance snapshots reported in the range.
    let snapshots: Int
}

struct SpendReport: Codable, Sendable, ResponseEncodable {
    let group_by: SpendGrouping
    let since: Date
    let until: Date
    let rows: [SpendRow]
    let total_usd: Decimal
    let total_estimated_usd: Decimal
    let total_generations: Int
    let drift: [SpendDrift]
}

extension SpendReport {
    static let csvHeader = ["key", "label", "generations", "spent_usd", "estimated_usd", "reported_usd"]

    /// The grouped rows as CSV (header first). Keys and labels are text a person typed, so they
    /// go through the formula guard; the figures are ours.
    var csv: String {
        var lines = [CSV.line(Self.csvHeader.map(CSV.text))]
        for row in rows {
            lines.append(CSV.line([CSV.text(row.key), CSV.text(row.label), String(row.generations),
                                   CSV.number(row.spent_usd), CSV.number(row.estimated_usd), CSV.number(row.reported_usd)]))
        }
        return lines.joined()
    }

    /// `reelbase-spend-day-2026-01-01-2026-01-31.csv`
    var csvFilename: String {
        let day = Date.ISO8601FormatStyle().year().month().day()
        return "reelbase-spend-\(group_by.rawValue)-\(since.formatted(day))-\(until.formatted(day)).csv"
    }
}
