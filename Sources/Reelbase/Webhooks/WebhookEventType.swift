import Foundation

/// Every event a team can subscribe an endpoint to. Adding one is one case here and one
/// `outbox.emit` where it happens; the API, its validation, the OpenAPI enum and Settings ›
/// Webhooks read this list.
enum WebhookEventType: String, CaseIterable, Codable, Sendable {
    case generationSucceeded = "generation.succeeded"
    case generationFailed = "generation.failed"
    case generationSubmitUnknown = "generation.submit_unknown"
    case budgetThreshold = "budget.threshold"
    case alertRaised = "alert.raised"
    case storyboardPaused = "storyboard.paused"
    case storyboardFinished = "storyboard.finished"
    case cutReady = "cut.ready"
    case cutFailed = "cut.failed"

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

/// `data` of `storyboard.paused` (a shot failed; `message` says why) and `storyboard.finished`.
struct StoryboardEventData: Encodable, Sendable {
    let storyboard_id: UUID
    let campaign_id: UUID
    let name: String
    let status: String
    /// The shot that failed (paused only).
    let shot_id: UUID?
    let message: String?
    /// Relative to the instance's base URL; needs a key of the team.
    let url: String
}

/// `data` of `cut.ready` and `cut.failed`.
struct CutEventData: Encodable, Sendable {
    let storyboard_id: UUID
    let campaign_id: UUID
    let number: Int
    let state: String
    /// The takes joined, in the order they play.
    let generation_ids: [UUID]
    let duration_seconds: Double?
    let error: String?
    /// The cut's video (ready only), relative to the instance's base URL; needs a key of the team.
    let video_url: String?
}
