import Foundation
import Hummingbird

/// Something a person must act on, raised by the worker: a provider key refused (`auth`) or an
/// account out of credits (`insufficient_credits`). Its account stays paused until resolved.
struct Alert: Codable, Sendable, ResponseEncodable {
    let id: UUID
    /// The provider account it concerns: a provider_accounts id, or `default:<provider>`.
    let account_key: String?
    let kind: String
    let message: String
    let created_at: Date
    let resolved_at: Date?
    /// Whether the account is paused right now (for every replica).
    let paused: Bool
    /// When a timed pause (a rate limit) ends; nil when not paused or paused until a person acts.
    let paused_until: Date?
}

/// The kinds that pause an account until a person acts (see `JobRunner.handleSubmitError`).
enum AlertKind {
    static let accountTrouble = ["auth", "insufficient_credits"]
}
