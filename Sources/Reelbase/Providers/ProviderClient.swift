import Foundation

/// Which provider API a client speaks. The raw value is what gets stored and logged.
public enum ProviderAPI: String, Sendable, Codable, CaseIterable {
    case segmindV1 = "segmind_v1"
    case segmindV2 = "segmind_v2"
    case aimlapi = "aimlapi"

    /// The billing account family: v1 and v2 share one Segmind balance.
    public var account: ProviderAccount {
        switch self {
        case .segmindV1, .segmindV2: .segmind
        case .aimlapi: .aimlapi
        }
    }
}

public enum ProviderAccount: String, Sendable, Codable {
    case segmind
    case aimlapi
}

/// One video provider, as the generation worker sees it.
///
/// Every method throws only `ProviderError`, already classified so the worker can pick the next
/// state without looking at HTTP details. `submit` is the only call that can bill: it is never
/// retried inside the client. `status`, `result` and `balance` are GETs, safe to repeat.
public protocol VideoProviderClient: Sendable {
    var api: ProviderAPI { get }

    /// Starts a generation. Async APIs return `.accepted(requestID:)`; Segmind v1 blocks for the
    /// whole generation and returns `.completed(video)`.
    func submit(_ request: GenerationRequest) async throws(ProviderError) -> SubmitResult

    /// Light poll. A `.completed` status always carries the video (the client fetches the final
    /// body itself when the provider's status endpoint does not include it).
    func status(requestID: String) async throws(ProviderError) -> GenerationStatus

    /// The final body of a request: `.completed(video)`, `.failed`, or still running.
    func result(requestID: String) async throws(ProviderError) -> GenerationStatus

    /// The account balance, or nil when the provider has no balance endpoint.
    func balance() async throws(ProviderError) -> AccountBalance?

    /// The JSON body `submit` would send for this request (stored when the POST leaves, to find
    /// it later in the provider's history); nil when it cannot be built.
    func requestBody(for request: GenerationRequest) -> Data?
}
