import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Downloads a URL someone else chose (an image to import, a video a provider hands back)
/// under the outbound policy, without letting them point the server at internal addresses.
///
/// For every hop: the URL is checked (scheme, host spelling, every resolved address), then
/// the request connects to the checked address itself (`OutboundGuard.withPinnedClient`), so a
/// second DNS answer cannot differ from the one we checked (DNS rebinding). Redirects are
/// followed by hand (each target checked the same way), the body is capped and the whole
/// fetch, redirects included, has one deadline.
public struct SafeURLFetcher: Sendable {
    public struct Configuration: Sendable {
        public var maxBytes: Int = 25 * 1024 * 1024
        /// For the whole fetch, all redirects included.
        public var timeout: Duration = .seconds(30)
        public var connectTimeout: Duration = .seconds(10)
        public var maxRedirects: Int = 3
        public var policy = OutboundPolicy()
        public var accept = "image/png, image/jpeg, image/webp"

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
    let guardian: OutboundGuard
    let eventLoopGroup: any EventLoopGroup

    public init(configuration: Configuration = .init(), resolver: any HostResolver = SystemHostResolver(),
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.guardian = OutboundGuard(policy: configuration.policy, resolver: resolver)
        self.eventLoopGroup = eventLoopGroup
    }

    /// The whole body in memory. - Throws: `URLFetchError` only.
    public func fetch(_ urlString: String) async throws -> Response {
        guard let url = URL(string: urlString) else { throw URLFetchError.invalidURL(urlString) }
        let maxBytes = configuration.maxBytes
        return try await download(url) { final, hops, response in
            var body: [UInt8] = []
            do {
                for try await chunk in response.body {
                    guard body.count + chunk.readableBytes <= maxBytes else { throw URLFetchError.tooLarge(limit: maxBytes) }
                    body.append(contentsOf: chunk.readableBytesView)
                }
            } catch let error as URLFetchError {
                throw error
            } catch let error as HTTPClientError {
                throw error
            } catch {
                throw URLFetchError.transport(String(describing: error))
            }
            return Response(url: final, contentType: response.headers.first(name: "content-type"), body: body, redirects: hops)
        }
    }

    /// Follows redirects to a 2xx answer and hands it to `consume` (which must read the body
    /// before returning). `guardFor` picks the guard for each hop (default: this fetcher's).
    /// - Throws: `URLFetchError`, or what `consume` throws.
    func download<T: Sendable>(
        _ start: URL, guardFor: (@Sendable (URL) -> OutboundGuard)? = nil,
        consume: @escaping @Sendable (URL, Int, HTTPClientResponse) async throws -> T
    ) async throws -> T {
        let limit = configuration.timeout
        let defaultGuard = guardian
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask {
                var url = start
                for hop in 0...self.configuration.maxRedirects {
                    let guardian = guardFor?(url) ?? defaultGuard
                    let target = try await guardian.check(url)
                    switch try await self.fetchOnce(target, guardian: guardian, hop: hop, consume: consume) {
                    case .done(let value):
                        return value
                    case .redirect(let location):
                        guard let next = URL(string: location, relativeTo: url)?.absoluteURL else {
                            throw URLFetchError.badRedirect(location)
                        }
                        url = next
                    }
                }
                throw URLFetchError.tooManyRedirects(limit: self.configuration.maxRedirects)
            }
            group.addTask {
                try await Task.sleep(for: limit)
                throw URLFetchError.timedOut
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
    private enum HopResult<T: Sendable>: Sendable { case done(T), redirect(String) }

    /// One request to one checked address; never follows redirects itself.
    private func fetchOnce<T: Sendable>(
        _ target: CheckedTarget, guardian: OutboundGuard, hop: Int,
        consume: @Sendable (URL, Int, HTTPClientResponse) async throws -> T
    ) async throws -> HopResult<T> {
        do {
            return try await guardian.withPinnedClient(
                target, connectTimeout: configuration.connectTimeout, readTimeout: configuration.timeout, eventLoopGroup: eventLoopGroup
            ) { client in
                var request = HTTPClientRequest(url: target.url.absoluteString)
                request.method = .GET
                request.headers.add(name: "Accept", value: configuration.accept)
                let response = try await client.execute(request, timeout: .init(configuration.timeout))
                let status = Int(response.status.code)
                if [301, 302, 303, 307, 308].contains(status) {
                    guard let location = response.headers.first(name: "location") else {
                        throw URLFetchError.badRedirect("status \(status) without Location")
                    }
                    return .redirect(location)
                }
                guard (200..<300).contains(status) else { throw URLFetchError.httpStatus(status) }
                // Fail early on an honest Content-Length; `consume` must catch dishonest ones.
                if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > configuration.maxBytes {
                    throw URLFetchError.tooLarge(limit: configuration.maxBytes)
                }
                do { return .done(try await consume(target.url, hop, response)) } catch { throw Consumed(error: error) }
            }
        } catch {
            let inner = (error as? Consumed)?.error ?? error
            if inner is URLFetchError || inner is CancellationError { throw inner }
            if let timeout = inner as? HTTPClientError, Self.timeouts.contains(timeout) { throw URLFetchError.timedOut }
            // The consumer's own failure (the blob store, say) is its to explain.
            if error is Consumed, !(inner is HTTPClientError) { throw inner }
            throw URLFetchError.transport(String(describing: inner))
        }
    }

    private struct Consumed: Error { let error: any Error }

    // The client's own deadlines can fire just before ours: same meaning, same error.
    private static let timeouts: [HTTPClientError] = [
        .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
    ]
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

    /// The URL itself is not allowed (as opposed to a failure while fetching an allowed one).
    public var isPolicyRefusal: Bool {
        switch self {
        case .invalidURL, .schemeNotAllowed, .hostNotAllowed, .addressBlocked, .badRedirect: true
        default: false
        }
    }

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
