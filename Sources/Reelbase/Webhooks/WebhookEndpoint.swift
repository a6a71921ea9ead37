import Foundation
import Hummingbird

/// A team's receiver of signed events. The secret is never part of it: it is shown once, in
/// `CreatedWebhookEndpoint`, at creation and on rotation.
struct WebhookEndpoint: ResponseEncodable, Decodable, Sendable {
    let id: UUID
    let url: String
    let description: String
    let events: [String]
    let active: Bool
    let created_at: Date
    let updated_at: Date
}

struct CreatedWebhookEndpoint: ResponseEncodable, Decodable, Sendable {
    let endpoint: WebhookEndpoint
    /// `whsec_…`: verify `webhook-signature` with it. Shown this once.
    let secret: String
}

struct NewWebhookEndpoint: Decodable, Sendable {
    let url: String
    let events: [String]
    let description: String?
    let active: Bool?
}

/// PATCH body: absent fields stay.
struct WebhookEndpointChanges: Decodable, Sendable {
    let url: String?
    let events: [String]?
    let description: String?
    let active: Bool?
}

/// One row of an endpoint's delivery log.
struct WebhookDelivery: ResponseEncodable, Decodable, Sendable {
    let id: UUID
    let event_id: UUID
    let event_type: String
    /// pending (an attempt is due at `next_attempt_at`), succeeded, failed (gave up or refused).
    let status: String
    let attempts: Int
    let response_status: Int?
    let latency_ms: Int?
    let last_error: String?
    let next_attempt_at: Date?
    let last_attempt_at: Date?
    let delivered_at: Date?
    let created_at: Date
}

/// Checks of what a person typed, shared by create and change.
enum WebhookInput {
    static func events(_ raw: [String]) throws -> [String] {
        let unknown = raw.filter { WebhookEventType(rawValue: $0) == nil }
        guard unknown.isEmpty else {
            throw AppError.validation("Unknown event type(s): \(unknown.joined(separator: ", ")). Known: \(WebhookEventType.names.joined(separator: ", ")).")
        }
        let unique = WebhookEventType.names.filter(raw.contains)
        guard !unique.isEmpty else { throw AppError.validation("`events` must name at least one event type.") }
        return unique
    }

    static func description(_ raw: String?) throws -> String? {
        guard let raw else { return nil }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= 500 else { throw AppError.validation("`description` must be at most 500 characters.") }
        return text
    }

    /// The shape only; the outbound guard decides whether the address may be reached.
    static func url(_ raw: String) throws -> String {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard (1...2048).contains(text.count), let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              ["http", "https"].contains(scheme), url.host?.isEmpty == false, url.fragment == nil else {
            throw AppError.validation("`url` must be an absolute https URL of at most 2048 characters.")
        }
        return text
    }
}
