import Foundation
import Hummingbird
import Logging
import NIOCore

/// Per-request state: who is calling (set by the auth middleware) and the request id.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?
    public var requestID: String = ""
    /// Peer address, recorded on audit rows.
    public var clientIP: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientIP = source.channel.remoteAddress?.ipAddress
    }

    /// Rebuilds a parent context from a gated one (see `GatedContext.atLeast`).
    init(coreContext: CoreRequestContextStorage, requestID: String, clientIP: String?) {
        self.coreContext = coreContext
        self.requestID = requestID
        self.clientIP = clientIP
    }

    /// JSON bodies are small; uploads stream with their own limit.
    static let jsonBodyLimit = 1 << 20
    public var maxUploadSize: Int { Self.jsonBodyLimit }

    public var requestDecoder: APIRequestDecoder { APIRequestDecoder() }
    public var responseEncoder: JSONEncoder { JSONEncoder.api }
}

/// Decodes JSON bodies and insists on a JSON content type, so a form post cannot sneak in.
public struct APIRequestDecoder: RequestDecoder {
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        try Self.decode(T.self, from: try await request.body.collect(upTo: context.maxUploadSize), contentType: request.headers[.contentType])
    }

    /// For handlers that also need the raw bytes (e.g. to hash them for Idempotency-Key).
    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer, contentType: String?) throws -> T {
        if let contentType, !contentType.lowercased().hasPrefix("application/json") {
            throw AppError(.unsupportedMediaType, "unsupported_media_type", "Send JSON with `Content-Type: application/json`.")
        }
        guard buffer.readableBytes > 0 else { throw AppError.badRequest("The request body is empty; this endpoint expects JSON.") }
        if NulGuard.jsonHasNul(buffer.readableBytesView) { throw NulGuard.refusal("the JSON body") }
        return try JSONDecoder.api.decode(T.self, from: buffer)
    }
}
