import Foundation

/// Every provider failure, classified once (docs/ARCHITECTURE.md, "Providers").
///
/// The worker decides from `kind` alone; `httpStatus` and `message` are kept for the person
/// reading the generation's history. Messages are redacted: an API key never appears in them.
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request itself is wrong: never retry it as is.
        case invalidRequest
        /// Key missing, wrong or not allowed: pause the account.
        case auth
        /// Out of credits or over a spend limit: pause the account until credits change.
        case insufficientCredits
        /// Retry after `resetAt` (or with backoff when the provider gave no time).
        case rateLimited(resetAt: Date?)
        /// Definitely not billed (or a safe GET): retry with backoff and jitter.
        case transient
        /// A POST whose bytes may have reached the provider: maybe billed, never resubmit
        /// automatically.
        case ambiguous
        /// The provider said FAILED: not billed.
        case failed
        /// The request id is unknown or its result is gone.
        case expired

        /// Stable snake_case name for storage and logs.
        public var code: String {
            switch self {
            case .invalidRequest: "invalid_request"
            case .auth: "auth"
            case .insufficientCredits: "insufficient_credits"
            case .rateLimited: "rate_limited"
            case .transient: "transient"
            case .ambiguous: "ambiguous"
            case .failed: "failed"
            case .expired: "expired"
            }
        }
    }

    public var kind: Kind
    public var api: ProviderAPI
    /// The provider's HTTP status; nil when no response arrived (network error, timeout).
    public var httpStatus: Int?
    /// The provider's own message (or a description of the network failure), redacted.
    public var message: String
    /// Credits reported on the failing response, if any.
    public var credits: CreditObservation?
    /// Nothing reached the provider (refused, unreachable, DNS, connect timeout): certainly not
    /// billed, and the account is down rather than the job wrong (JobRunner pauses the account).
    public var unreachable = false

    public init(
        kind: Kind, api: ProviderAPI, httpStatus: Int?, message: String, credits: CreditObservation? = nil
    ) {
        self.kind = kind
        self.api = api
        self.httpStatus = httpStatus
        self.message = message
        self.credits = credits
    }

    public var description: String {
        let status = httpStatus.map { "HTTP \($0)" } ?? "no response"
        return "\(api.rawValue) \(kind.code) (\(status)): \(message)"
    }
}
