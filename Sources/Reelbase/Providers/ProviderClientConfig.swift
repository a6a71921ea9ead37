import AsyncHTTPClient
import Foundation
import NIOCore

/// An API key. Its description is redacted so string interpolation cannot leak it.
public struct ProviderAPIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "[REDACTED]" }
    public var debugDescription: String { "[REDACTED]" }

    /// Removes the key from text that may echo it (a provider message, an error description).
    func redact(_ text: String) -> String {
        // A very short "key" would garble every message; real keys are long.
        guard value.count >= 6 else { return text }
        return text.replacingOccurrences(of: value, with: "[REDACTED]")
    }
}

/// Where a provider lives and how to authenticate.
public struct ProviderEndpoint: Sendable {
    /// `https://api.segmind.com`, `https://api.aimlapi.com`, or the simulator's URL.
    public var baseURL: String
    public var apiKey: ProviderAPIKey
    /// nil when the operator configured `baseURL` (trusted). A team-set URL carries the guard
    /// that checks every call to it again (DNS can change) and pins the connection.
    public var outboundGuard: OutboundGuard?

    public init(baseURL: String, apiKey: ProviderAPIKey, outboundGuard: OutboundGuard? = nil) {
        // Paths are appended as "/v2/...": drop a trailing slash once, here.
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.outboundGuard = outboundGuard
    }
}

/// Explicit time limits. The HTTPClient is shared, so its own read timeout must be at least the
/// longest call (Segmind v1 holds the connection silent for the whole generation); each call
/// then carries its own, shorter deadline.
public struct ProviderTimeouts: Sendable, Equatable {
    /// TCP (and TLS) connect.
    public var connect: Duration
    /// Whole request for everything except a v1 generation: GETs and async submits.
    public var request: Duration
    /// Whole request for a Segmind v1 synchronous generation (50–150 s for Veo).
    public var synchronousGeneration: Duration

    public init(connect: Duration = .seconds(10), request: Duration = .seconds(30), synchronousGeneration: Duration = .seconds(300)) {
        self.connect = connect
        self.request = request
        self.synchronousGeneration = synchronousGeneration
    }

    /// Configuration for the HTTPClient the provider clients share.
    public func httpClientConfiguration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(
            connect: connect.timeAmount, read: max(request, synchronousGeneration).timeAmount)
        // A redirect could carry the key to another host; providers do not redirect API calls.
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}

/// Response bodies are read into memory: cap them.
public struct ProviderBodyLimits: Sendable, Equatable {
    /// JSON bodies (status, result, errors).
    public var json: Int
    /// A video returned inline by Segmind v1.
    public var video: Int

    public init(json: Int = 1 << 20, video: Int = 256 << 20) {
        self.json = json
        self.video = video
    }
}

/// Everything a provider client needs besides the HTTPClient and a logger.
public struct ProviderClientOptions: Sendable {
    public var timeouts: ProviderTimeouts
    public var limits: ProviderBodyLimits
    public var imageEncoding: ImageEncoding

    public init(timeouts: ProviderTimeouts = .init(), limits: ProviderBodyLimits = .init(), imageEncoding: ImageEncoding = .dataURI) {
        self.timeouts = timeouts
        self.limits = limits
        self.imageEncoding = imageEncoding
    }
}

extension Duration {
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
