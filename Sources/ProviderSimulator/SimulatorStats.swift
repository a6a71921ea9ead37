import Foundation

/// What `GET /_sim/stats` reports; lets tests prove nothing was submitted twice.
public struct SimulatorStats: Codable, Sendable, Hashable {
    /// Submit POSTs that reached the simulator (v1, v2 and AI/ML), whatever the answer.
    public var submits: Int
    /// Submits that became a generation (v1 200s plus v2 / AI/ML jobs created).
    public var accepted: Int
    /// Submit count per SHA-256 (lowercase hex) of the raw request body.
    public var byBodySHA256: [String: Int]
    /// Submit count per `prompt` field value.
    public var byPrompt: [String: Int]
    /// The largest count in `byBodySHA256` (1 means no body was sent twice).
    public var maxPerBody: Int
    /// Current balance in USD credits.
    public var balance: Decimal
    /// Generations billed, and jobs that ended FAILED / error.
    public var completed: Int
    public var failed: Int
    /// Faults answered so far.
    public var faultsInjected: Int
    /// Status and result GETs (every poll), whatever the answer.
    public var polls: Int

    enum CodingKeys: String, CodingKey {
        case submits, accepted, balance, completed, failed
        case byBodySHA256 = "by_body_sha256"
        case byPrompt = "by_prompt"
        case maxPerBody = "max_per_body"
        case faultsInjected = "faults_injected"
        case polls
    }
}
