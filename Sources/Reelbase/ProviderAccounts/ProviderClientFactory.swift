import AsyncHTTPClient
import Logging
import ServiceLifecycle

/// Builds the client for an account's API over the one shared HTTPClient; calls to a team-set
/// base URL go through `teamHosts` instead (checked every time, pinned, own connection).
public struct ProviderClientFactory: Sendable {
    public let http: HTTPClient
    public let options: ProviderClientOptions
    /// The outbound guard for base URLs a team set (strict unless the operator loosened it).
    public let teamHosts: OutboundGuard
    let logger: Logger

    public init(http: HTTPClient, options: ProviderClientOptions = .init(), teamHosts: OutboundGuard = .init(), logger: Logger) {
        self.http = http
        self.options = options
        self.teamHosts = teamHosts
        self.logger = logger
    }

    /// Where calls for `credentials` go, with the guard they must pass when a team chose it.
    public func endpoint(for credentials: ProviderCredentials) -> ProviderEndpoint {
        var endpoint = credentials.endpoint
        if credentials.baseURLSetByTeam { endpoint.outboundGuard = teamHosts }
        return endpoint
    }

    public func client(for credentials: ProviderCredentials) -> any VideoProviderClient {
        let endpoint = endpoint(for: credentials)
        return switch credentials.api {
        case .segmindV1: SegmindV1Client(http: http, endpoint: endpoint, options: options, logger: logger)
        case .segmindV2: SegmindV2Client(http: http, endpoint: endpoint, options: options, logger: logger)
        case .aimlapi: AimlClient(http: http, endpoint: endpoint, options: options, logger: logger)
        }
    }
}

/// Owns the shared HTTPClient's lifetime: shut down after everything using it has stopped.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
