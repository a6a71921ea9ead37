import Foundation
import ReelbaseCore

// JSON bodies, with the providers' own key spellings.

struct V2SubmitBody: Codable, Sendable {
    var request_id: String
    var status: String
    var status_url: String
    var response_url: String
    var poll_url: String
}

struct V2StatusBody: Codable, Sendable {
    var request_id: String
    var status: String
    var error: String?
}

/// Segmind's final body: `status`, `metrics` and `output` are always present (`output` may be null).
struct V2ResultBody: Codable, Sendable {
    struct Metrics: Codable, Sendable {
        var cost: Decimal
        var remaining_credits: Decimal?
        var queue_time: Double?
        var inference_time: Double?
    }
    var request_id: String
    var status: String
    var output: String?
    var metrics: Metrics
    var error: String?
    var seed: Int

    enum CodingKeys: String, CodingKey {
        case request_id, status, output, metrics, error, seed
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(request_id, forKey: .request_id)
        try c.encode(status, forKey: .status)
        try c.encode(output, forKey: .output)
        try c.encode(metrics, forKey: .metrics)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encode(seed, forKey: .seed)
    }
}

struct CreditsBody: Codable, Sendable {
    var credits: Decimal
    var freeCredits: Decimal

    enum CodingKeys: String, CodingKey {
        case credits
        case freeCredits = "free-credits"
    }
}

/// 400 body: Segmind's `error` string (every problem, joined) plus the list, one per field.
struct ValidationErrorBody: Codable, Sendable {
    var error: String
    var errors: [FieldError]

    init(_ errors: [FieldError]) {
        self.error = errors.map(\.message).joined(separator: "; ")
        self.errors = errors
    }
}

struct AimlSubmitBody: Codable, Sendable {
    var id: String
    var status: String
}

struct AimlGenerationBody: Codable, Sendable {
    struct Video: Codable, Sendable { var url: String }
    struct Usage: Codable, Sendable {
        var credits_used: Int
        var usd_spent: Decimal
    }
    struct Meta: Codable, Sendable { var usage: Usage }
    struct ErrorDetail: Codable, Sendable {
        var name: String
        var message: String
    }
    var id: String
    var status: String
    var video: Video?
    var error: ErrorDetail?
    var meta: Meta?
}
