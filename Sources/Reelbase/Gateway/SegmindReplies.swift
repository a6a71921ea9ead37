import Foundation

/// Segmind's v2 states. Reelbase's states map onto them: a job not yet sent is QUEUED, one on
/// its way or at the provider is PROCESSING, an archived one COMPLETED, and anything that ended
/// without a video (failed, expired, cancelled) FAILED.
enum SegmindStatus: String, Codable, Sendable {
    case QUEUED, PROCESSING, COMPLETED, FAILED

    init(_ state: GenerationState) {
        switch state {
        case .queued: self = .QUEUED
        case .submitting, .submitted, .submitUnknown, .cancelRequested: self = .PROCESSING
        case .succeeded: self = .COMPLETED
        case .failed, .expired, .cancelled: self = .FAILED
        }
    }
}

extension GenerationState {
    var isFinished: Bool { [.COMPLETED, .FAILED].contains(SegmindStatus(self)) }
}

/// `POST /v2/{slug}`.
struct SegmindSubmitted: Encodable {
    let request_id: String
    let status: SegmindStatus
    let status_url: String
    let response_url: String
    let poll_url: String
}

/// `GET /v2/requests/{id}/status`.
struct SegmindStatusBody: Encodable {
    let request_id: String
    let status: SegmindStatus
    let error: String?
}

/// `GET /v2/requests/{id}`: always `status`, `metrics` and `output` (null until archived).
struct SegmindResultBody: Encodable {
    let request_id: String
    let status: SegmindStatus
    let output: String?
    let error: String?
    let metrics: Metrics

    struct Metrics: Encodable {
        let cost: Decimal
        let remaining_credits: Decimal?
        let queue_time: Double?
        let inference_time: Double?

        init(_ request: GenerationRepository.GatewayRequest, remaining: Decimal?) {
            cost = request.cost ?? 0
            remaining_credits = remaining
            queue_time = request.submittedAt.map { $0.timeIntervalSince(request.createdAt) }
            inference_time = request.submittedAt.flatMap { start in request.finishedAt.map { $0.timeIntervalSince(start) } }
        }
    }

    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case request_id, status, output, error, metrics }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(request_id, forKey: .request_id)
        try c.encode(status, forKey: .status)
        try c.encode(output, forKey: .output)  // present even when null, as Segmind always sends it
        try c.encodeIfPresent(error, forKey: .error)
        try c.encode(metrics, forKey: .metrics)
    }
}
