import AsyncHTTPClient
import Logging
import ServiceLifecycle

/// Builds the client for an account's API over the one shared HTTPClient.
public struct ProviderClientFactory: Sendable {
    public let http: HTTPClient
    public let options: ProviderClientOptions
    let logger: Logger

    public init(http: HTTPClient, options: ProviderClientOptions = .init(), logger: Logger) {
        self.http = http
        self.options = options
        self.logger = logger
    }

    public func client(for credentials: ProviderCredentials) -> any VideoProviderClient {
        switch credentials.api {
        case .segmindV1: SegmindV1Client(http: http, endpoint: credentials.endpoint, options: options, logger: logger)
        case .segmindV2: SegmindV2Client(http: http, endpoint: credentials.endpoint, options: options, logger: logger)
        case .aimlapi: AimlClient(http: http, endpoint: credentials.endpoint, options: options, logger: logger)
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
