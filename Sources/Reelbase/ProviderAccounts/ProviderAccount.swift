import Foundation

/// A team's key for one provider, as the API shows it: never the key, only its last 4 characters.
public struct ProviderAccountRecord: Codable, Sendable {
    public let id: UUID
    public let provider: String
    public let name: String
    public let api_key_last4: String
    public let base_url: String?
    public let concurrency_limit: Int
    public let mode: String
    public let paused_until: Date?
    public let pause_reason: String?
    public let created_at: Date
    public let updated_at: Date
}

/// What the worker needs to call a provider: where, with which key, how.
public struct ProviderCredentials: Sendable {
    /// nil for the instance default account (from the environment).
    public let accountID: UUID?
    public let provider: ProviderAccount
    public let endpoint: ProviderEndpoint
    public let mode: String
    public let concurrencyLimit: Int
    /// The team chose `endpoint.baseURL`: not trusted, every call to it is checked.
    public var baseURLSetByTeam = false

    /// The client API this account speaks: Segmind v2 unless the account is set to sync.
    public var api: ProviderAPI {
        switch provider {
        case .segmind: mode == "sync" ? .segmindV1 : .segmindV2
        case .aimlapi: .aimlapi
        }
    }
}
