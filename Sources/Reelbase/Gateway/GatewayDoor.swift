import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension HTTPField.Name {
    /// The official SDK's header for the key.
    static let xAPIKey = HTTPField.Name("x-api-key")!
    static let reelbaseCampaign = HTTPField.Name("x-reelbase-campaign")!
    static let remainingCredits = HTTPField.Name("x-remaining-credits")!
    static let xCost = HTTPField.Name("x-cost")!
    static let rateLimitReset = HTTPField.Name("x-rate-limit-reset-at-utc")!
}

/// The gateway's door: a Reelbase API key as `x-api-key` (as the Segmind SDK sends it), and
/// every error in Segmind's shape and codes, `{"error": "..."}`: 401 bad key, 400 bad
/// parameters (all named), 403 not allowed, 404 unknown model or request, 406 over budget,
/// 429 over the key's rate limit.
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let auth: AuthRepository

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var context = context
        do {
            guard let key = request.headers[.xAPIKey]?.trimmingCharacters(in: .whitespaces), !key.isEmpty,
                  let identity = try await auth.identity(forAPIKey: key) else {
                throw AppError(.unauthorized, "unauthenticated", "Invalid or missing API key: send a Reelbase API key as the x-api-key header.")
            }
            context.identity = identity
            return try await next(request, context)
        } catch {
            return try Self.response(for: error, requestID: context.requestID, logger: context.logger)
        }
    }

    struct Body: Encodable { let error: String }

    static func response(for error: any Error, requestID: String, logger: Logger) throws -> Response {
        guard let appError = AppError.from(error) else {
            logger.error("unhandled gateway error", metadata: ["error_type": "\(type(of: error))"])
            return try json(Body(error: "Something went wrong on our side; quote request id \(requestID)."), status: .internalServerError)
        }
        var status = appError.status
        var message = appError.message
        switch (appError.status.code, appError.code) {
        case (402, _): status = .notAcceptable  // Segmind's "not enough credits"
        case (415, _): status = .notAcceptable  // Segmind's wrong Content-Type
        case (422, _):
            status = .badRequest
            if let details = appError.details, !details.isEmpty {
                message += " " + details.sorted { $0.key < $1.key }.map { "\($0.key): \(describe($0.value))" }.joined(separator: "; ")
            }
        default: break
        }
        var response = try json(Body(error: message), status: status)
        if case .string(let reset)? = appError.details?["reset_at"] { response.headers[.rateLimitReset] = reset }
        if case .number(let seconds)? = appError.details?["retry_after_seconds"] { response.headers[.retryAfter] = String(Int(seconds)) }
        return response
    }

    private static func describe(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.jsonText
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status, headers extra: HTTPFields = [:]) throws -> Response {
        var headers = extra
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.api.encode(value))))
    }
}
