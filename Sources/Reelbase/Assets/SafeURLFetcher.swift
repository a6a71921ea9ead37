import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Downloads a user-supplied URL (an image to import) without letting the user point the
/// server at internal addresses (SSRF).
///
/// For every hop: the URL is checked (scheme, host spelling, every resolved address), then
/// the request connects to the checked address itself through AsyncHTTPClient's `dnsOverride`,
/// so a second DNS answer cannot differ from the one we checked (DNS rebinding). The URL keeps
/// its host name, so the Host header, TLS SNI and certificate validation all use the real name.
/// Redirects are followed by hand (each target checked the same way), the body is capped and
/// the whole fetch, redirects included, has one deadline.
public struct SafeURLFetcher: Sendable {
    public struct Configuration: Sendable {
        public var maxBytes: Int = 25 * 1024 * 1024
        /// For the whole fetch, all redirects included.
        public var timeout: Duration = .seconds(30)
        public var connectTimeout: Duration = .seconds(10)
        public var maxRedirects: Int = 3
        /// Tests only: also accept `http://` (so tests can prove the address guard, not the scheme).
        public var allowInsecureHTTPForTesting: Bool = false
        /// Tests only: exact lowercased `host:port` pairs that skip the address check.
        public var exemptHostPortsForTesting: Set<String> = []

        public init() {}
    }

    public struct Response: Sendable {
        /// The URL the body came from, after redirects.
        public let url: URL
        public let contentType: String?
        public let body: [UInt8]
        public let redirects: Int
    }

    public let configuration: Configuration
    let guardian: URLGuard
    let eventLoopGroup: any EventLoopGroup

    public init(configuration: Configuration = .init(), resolver: any HostResolver = SystemHostResolver(),
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.guardian = URLGuard(configuration: configuration, resolver: resolver)
        self.eventLoopGroup = eventLoopGroup
    }

    /// - Throws: `URLFetchError` only.
    public func fetch(_ urlString: String) async throws -> Response {
        guard let url = URL(string: urlString) else { throw URLFetchError.invalidURL(urlString) }
        let limit = configuration.timeout
        return try await withThrowingTaskGroup(of: Response.self) { group in
            group.addTask { try await self.followRedirects(from: url) }
            group.addTask {
                try await Task.sleep(for: limit)
                throw URLFetchError.timedOut
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func followRedirects(from start: URL) async throws -> Response {
        var url = start
        for hop in 0...configuration.maxRedirects {
            let target = try await guardian.check(url)
            switch try await fetchOnce(target) {
            case .body(let contentType, let body):
                return Response(url: url, contentType: contentType, body: body, redirects: hop)
            case .redirect(let location):
                guard let next = URL(string: location, relativeTo: url)?.absoluteURL else {
                    throw URLFetchError.badRedirect(location)
                }
                url = next
            }
        }
        throw URLFetchError.tooManyRedirects(limit: configuration.maxRedirects)
    }

    private enum HopResult { case body(String?, [UInt8]), redirect(String) }

    /// One request to one checked address, on a client that exists only for it (its DNS
    /// override is this hop's answer) and never follows redirects itself.
    private func fetchOnce(_ target: CheckedTarget) async throws -> HopResult {
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .disallow
        config.timeout = .init(connect: .init(configuration.connectTimeout), read: .init(configuration.timeout))
        config.proxy = nil
        if !target.hostIsIPLiteral { config.dnsOverride = [target.host: target.address.description] }
        let client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: config)
        do {
            let result = try await request(target, on: client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            if error is URLFetchError || error is CancellationError { throw error }
            if let error = error as? HTTPClientError, Self.timeouts.contains(error) { throw URLFetchError.timedOut }
            throw URLFetchError.transport(String(describing: error))
        }
    }

    // The client's own deadlines can fire just before ours: same meaning, same error.
    private static let timeouts: [HTTPClientError] = [
        .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
    ]

    private func request(_ target: CheckedTarget, on client: HTTPClient) async throws -> HopResult {
        var request = HTTPClientRequest(url: target.url.absoluteString)
        request.method = .GET
        request.headers.add(name: "Accept", value: "image/png, image/jpeg, image/webp")
        let response = try await client.execute(request, timeout: .init(configuration.timeout))
        let status = Int(response.status.code)
        if [301, 302, 303, 307, 308].contains(status) {
            guard let location = response.headers.first(name: "location") else {
                throw URLFetchError.badRedirect("status \(status) without Location")
            }
            return .redirect(location)
        }
        guard (200..<300).contains(status) else { throw URLFetchError.httpStatus(status) }
        let maxBytes = configuration.maxBytes
        // Fail early on an honest Content-Length; the loop below catches dishonest ones.
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
            throw URLFetchError.tooLarge(limit: maxBytes)
        }
        var body: [UInt8] = []
        for try await chunk in response.body {
            guard body.count + chunk.readableBytes <= maxBytes else { throw URLFetchError.tooLarge(limit: maxBytes) }
            body.append(contentsOf: chunk.readableBytesView)
        }
        return .body(response.headers.first(name: "content-type"), body)
    }
}

public enum URLFetchError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidURL(String)
    case schemeNotAllowed(String)
    case hostNotAllowed(String, reason: String)
    case addressBlocked(host: String, address: String, range: BlockedRange)
    case resolutionFailed(host: String)
    case badRedirect(String)
    case tooManyRedirects(limit: Int)
    case httpStatus(Int)
    case tooLarge(limit: Int)
    case timedOut
    case transport(String)

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid URL: \(url)"
        case .schemeNotAllowed(let scheme): "scheme \(scheme) not allowed: use https"
        case .hostNotAllowed(let host, let reason): "host \(host) not allowed: \(reason)"
        case .addressBlocked(let host, let address, let range): "\(host) is \(address), a \(range.rawValue) address"
        case .resolutionFailed(let host): "could not resolve \(host)"
        case .badRedirect(let what): "bad redirect: \(what)"
        case .tooManyRedirects(let limit): "more than \(limit) redirects"
        case .httpStatus(let code): "the server answered HTTP \(code)"
        case .tooLarge(let limit): "the response is larger than \(limit) bytes"
        case .timedOut: "the download took too long"
        case .transport(let what): "download failed: \(what)"
        }
    }
}
