import Foundation
import Hummingbird

/// The states of a generation (docs/ARCHITECTURE.md, "The generation queue").
public enum GenerationState: String, Codable, Sendable, CaseIterable {
    case queued, submitting, submitted, succeeded, failed, expired
    case submitUnknown = "submit_unknown"
    case cancelled
    case cancelRequested = "cancel_requested"
}

/// A generation as the API shows it.
public struct Generation: Codable, Sendable, ResponseEncodable {
    public let id: UUID
    public let status: GenerationState
    public let provider: String
    public let model: String
    public let campaign_id: UUID?
    public let prompt_text: String
    public let negative_prompt: String?
    public let prompt_id: UUID?
    public let prompt_version_id: UUID?
    public let params: JSONValue
    public let seed: Int64?
    public let seed_id: UUID?
    public let provider_seed: Int64?
    public let provider_request_id: String?
    public let attempt: Int
    public let estimated_cost_usd: Decimal
    public let cost_usd: Decimal?
    /// True when `cost_usd` is our price-table estimate rather than what the provider reported.
    public let cost_is_estimate: Bool?
    /// What the provider reported, kept even when it was not booked.
    public let reported_cost_usd: Decimal?
    /// `out_of_range`: the report was outside [0, 10 x estimate], so the estimate was booked instead.
    public let cost_flag: String?
    public let credits_after: Decimal?
    public let video: Video?
    public let error: ErrorInfo?
    public let created_by: UUID?
    public let created_at: Date
    public let submitted_at: Date?
    public let finished_at: Date?
    /// Filled on `GET /generations/{id}`: assets, attempts and state timestamps.
    public var assets: [AssetLink]?
    public var attempts: [Attempt]?
    public var transitions: [Transition]?
    /// `/api/v1/generations/{id}/poster` once a poster frame was extracted.
    public var poster_url: String? = nil
    /// `api` (REST API, dashboard) or `gateway` (the Segmind-compatible endpoints).
    public var source: String? = nil
    /// The API key that asked for it, when one did.
    public var api_key_id: UUID? = nil
    /// `provider: "auto"` only: the providers weighed, the one chosen and why, and any move.
    public var routing: JSONValue? = nil

    public struct Video: Codable, Sendable {
        public let url: String
        public let sha256: String?
        public let size_bytes: Int64?
        public let content_type: String?
    }

    public struct ErrorInfo: Codable, Sendable {
        public let kind: String
        public let message: String?
        public let provider_status: Int?
    }

    public struct AssetLink: Codable, Sendable {
        public let asset_id: UUID
        public let role: String
    }

    public struct Attempt: Codable, Sendable {
        public let attempt: Int
        public let phase: String
        public let outcome: String
        public let http_status: Int?
        public let message: String?
        public let at: Date
    }

    public struct Transition: Codable, Sendable {
        public let from: String?
        public let to: String
        public let at: Date
    }
}

/// What `POST /generations` answers: 202 with the id, status and estimate.
struct GenerationAccepted: Codable, Sendable, ResponseEncodable {
    let id: UUID
    let status: GenerationState
    let estimated_cost_usd: Decimal
    let model: String
    let provider: String
}
