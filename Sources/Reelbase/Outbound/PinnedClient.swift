import AsyncHTTPClient
import NIOCore
import NIOPosix

extension OutboundGuard {
    /// Runs `body` with an HTTP client that exists only for it, connects only to the address
    /// `target` was checked with (its DNS override), never follows redirects itself and uses no
    /// proxy. The URL keeps its host name, so Host, TLS SNI and certificate checks use the real name.
    func withPinnedClient<T: Sendable>(
        _ target: CheckedTarget, connectTimeout: Duration, readTimeout: Duration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: (HTTPClient) async throws -> T
    ) async throws -> T {
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .disallow
        config.timeout = .init(connect: .init(connectTimeout), read: .init(readTimeout))
        config.proxy = nil
        if !target.hostIsIPLiteral { config.dnsOverride = [target.host: target.address.description] }
        let client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: config)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
