import Foundation
import Hummingbird

/// One reconciliation of a team's Segmind account against the provider's request history,
/// as the API shows it (`GET /reconciliations`, `GET /reconciliations/{id}`).
struct ReconciliationRun: Codable, Sendable, ResponseEncodable {
    let id: UUID
    /// The provider account: a provider_accounts id.
    let account_key: String
    let account_id: UUID?
    let from: Date
    let to: Date
    /// `queued`, `running`, `succeeded` or `failed`.
    let state: String
    /// `schedule` (the daily run) or `request` (POST /reconciliations).
    let trigger: String
    let error: String?
    let totals: Totals
    let created_at: Date
    let finished_at: Date?
    /// Only in `GET /reconciliations/{id}`.
    var lines: [Line]?

    struct Totals: Codable, Sendable {
        let matched: Int
        let cost_mismatch: Int
        let not_booked: Int
        let unknown_to_provider: Int
        /// What the ledger booked for the requests paired, and what the provider charged for them.
        let ledger_usd: Decimal
        let provider_usd: Decimal

        var mismatches: Int { cost_mismatch + not_booked + unknown_to_provider }
    }

    struct Line: Codable, Sendable {
        let kind: String
        let request_id: String?
        let generation_id: UUID?
        let model: String?
        let provider_status: String?
        let ledger_usd: Decimal?
        let provider_usd: Decimal?
        let requested_at: Date?
    }
}

/// `POST /reconciliations`: every field optional. No account: each of the team's Segmind
/// accounts. No window: the last 24 hours.
struct ReconciliationRequest: Decodable, Sendable {
    let account: UUID?
    let from: Date?
    let to: Date?

    /// The window the provider's history can answer for: at most 31 days, not in the future.
    func window(now: Date) throws -> DateInterval {
        let end = min(to ?? now, now)
        let start = from ?? end.addingTimeInterval(-86_400)
        guard start < end else { throw AppError.validation("The window is empty.", details: ["from": "must be before `to` and before now"]) }
        guard end.timeIntervalSince(start) <= 31 * 86_400 else {
            throw AppError.validation("The window is too long.", details: ["to": "the provider's history answers for at most 31 days at a time"])
        }
        return DateInterval(start: start, end: end)
    }
}

/// The answer to `POST /reconciliations` (202): the runs queued.
struct ReconciliationsQueued: Codable, Sendable {
    let runs: [ReconciliationRun]
}
