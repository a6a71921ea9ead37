import Foundation

/// Every event a team can subscribe an endpoint to. Adding one (`storyboard.ready`, `cut.ready`)
/// is one case here and one `outbox.emit` where it happens; the API, its validation and the
/// OpenAPI enum read this list.
enum WebhookEventType: String, CaseIterable, Codable, Sendable {
    case generationSucceeded = "generation.succeeded"
    case generationFailed = "generation.failed"
    case generationSubmitUnknown = "generation.submit_unknown"
    case budgetThreshold = "budget.threshold"
    case alertRaised = "alert.raised"

    static var names: [String] { allCases.map(\.rawValue) }
}

/// The body of every delivery: `{"type", "timestamp", "data"}`, encoded once when the event
/// happens and stored, so each retry signs and sends the same bytes.
struct WebhookEnvelope<Payload: Encodable & Sendable>: Encodable, Sendable {
    let type: String
    let timestamp: Date
    let data: Payload
}

/// `data` of the generation events.
struct GenerationEventData: Encodable, Sendable {
    struct Failure: Encodable, Sendable {
        let kind: String
        let message: String
    }
    struct Video: Encodable, Sendable {
        let sha256: String
        let size: Int64
        let content_type: String
        /// Relative to the instance's base URL; needs a key of the team.
        let url: String
    }

    let generation_id: UUID
    let state: String
    let provider: String
    let model_id: String
    let cost_usd: Decimal?
    let video: Video?
    let error: Failure?
}

/// `data` of `budget.threshold`: a team's or a campaign's spend crossed 80 % or 100 % of its budget.
struct BudgetThresholdData: Encodable, Sendable {
    let scope: String
    let team_id: UUID
    let campaign_id: UUID?
    let campaign_name: String?
    let threshold_percent: Int
    let budget_usd: Decimal
    let spent_usd: Decimal
    let generation_id: UUID
}

/// `data` of `alert.raised`.
struct AlertRaisedData: Encodable, Sendable {
    let alert_id: UUID
    let kind: String
    let account_key: String?
    let message: String
}
