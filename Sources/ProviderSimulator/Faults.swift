import Foundation

/// Which requests a fault applies to.
public enum RouteKind: String, Codable, Sendable, Hashable {
    /// POST /v1/{slug}, POST /v2/{slug}, POST /v2/video/generations
    case submit
    /// GET /v2/requests/{id}/status, GET /v2/video/generations
    case status
    /// GET /v2/requests/{id}, GET /files/{id}.mp4
    case result
    /// GET /inference-request/request-history[/{id}] (Segmind's request history)
    case history
    /// every provider route (never the /_sim admin routes)
    case any
}

/// What the simulator does instead of (or before) answering normally.
public enum FaultKind: String, Codable, Sendable, Hashable {
    case unauthorized = "401"
    case forbidden = "403"
    case notEnoughCredits = "406"
    /// 429 with `x-rate-limit-reset-at-utc` (ISO-8601), no Retry-After.
    case rateLimited = "429"
    /// JSON 500.
    case serverError = "500"
    /// HTML 502, as a gateway would send.
    case badGateway = "502"
    /// HTML 504, as a gateway would send.
    case gatewayTimeout = "504"
    /// Close the connection without answering, after the request body arrived.
    case connectionReset = "reset"
    /// Wait `delay_seconds` more, then answer normally.
    case slow
    /// 200 announcing a 64 KiB body, half of it sent, then the connection closed: a download
    /// cut half-way.
    case truncated = "truncate"
}

/// One fault to inject. JSON (for `POST /_sim/faults`):
/// `{"route":"submit","fault":"429","count":2}`, `{"fault":"reset","fraction":0.5}`,
/// `{"route":"status","fault":"slow","delay_seconds":3}`.
/// With neither `count` nor `fraction` the fault hits every matching request until cleared.
public struct FaultRule: Codable, Sendable, Hashable {
    public var route: RouteKind
    public var fault: FaultKind
    /// Fire on the next `count` matching requests (with `fraction`: at most `count` times).
    public var count: Int?
    /// Fire on this share (0...1) of matching requests.
    public var fraction: Double?
    /// Extra wait for `slow` (default 5 s).
    public var delaySeconds: Double?
    /// For 429: how far ahead the reset time is (default 2 s).
    public var resetAfterSeconds: Double?
    /// Submits only: accept (and later bill) the job, then answer with the fault — the
    /// "bytes left, maybe billed" case. Default false: the fault replaces the work.
    public var afterProcessing: Bool?

    public init(
        route: RouteKind = .any, fault: FaultKind, count: Int? = nil, fraction: Double? = nil,
        delaySeconds: Double? = nil, resetAfterSeconds: Double? = nil, afterProcessing: Bool? = nil
    ) {
        self.route = route
        self.fault = fault
        self.count = count
        self.fraction = fraction
        self.delaySeconds = delaySeconds
        self.resetAfterSeconds = resetAfterSeconds
        self.afterProcessing = afterProcessing
    }

    enum CodingKeys: String, CodingKey {
        case route, fault, count, fraction
        case delaySeconds = "delay_seconds"
        case resetAfterSeconds = "reset_after_seconds"
        case afterProcessing = "after_processing"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        route = try c.decodeIfPresent(RouteKind.self, forKey: .route) ?? .any
        fault = try c.decode(FaultKind.self, forKey: .fault)
        count = try c.decodeIfPresent(Int.self, forKey: .count)
        fraction = try c.decodeIfPresent(Double.self, forKey: .fraction)
        delaySeconds = try c.decodeIfPresent(Double.self, forKey: .delaySeconds)
        resetAfterSeconds = try c.decodeIfPresent(Double.self, forKey: .resetAfterSeconds)
        afterProcessing = try c.decodeIfPresent(Bool.self, forKey: .afterProcessing)
    }

    func applies(to route: RouteKind, afterProcessing stage: Bool) -> Bool {
        (self.route == .any || self.route == route) && (afterProcessing ?? false) == stage
    }
}

/// Body of `POST /_sim/faults`: rules to add and, optionally, a new FAILED rate.
/// A bare `FaultRule` object or an array of rules is accepted too.
public struct FaultPlan: Codable, Sendable, Hashable {
    public var rules: [FaultRule]
    public var failRate: Double?

    public init(rules: [FaultRule] = [], failRate: Double? = nil) {
        self.rules = rules
        self.failRate = failRate
    }

    enum CodingKeys: String, CodingKey {
        case rules
        case failRate = "fail_rate"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rules = try c.decodeIfPresent([FaultRule].self, forKey: .rules) ?? []
        failRate = try c.decodeIfPresent(Double.self, forKey: .failRate)
    }
}

/// The active rules, consumed as they fire.
struct FaultBook: Sendable {
    var rules: [FaultRule] = []

    /// The first rule that fires for this request, using up one of its `count`.
    mutating func take(route: RouteKind, afterProcessing: Bool) -> FaultRule? {
        for index in rules.indices where rules[index].applies(to: route, afterProcessing: afterProcessing) {
            let rule = rules[index]
            if let fraction = rule.fraction, Double.random(in: 0..<1) >= fraction { continue }
            if let count = rule.count {
                if count <= 1 { rules.remove(at: index) } else { rules[index].count = count - 1 }
            }
            return rule
        }
        return nil
    }
}
