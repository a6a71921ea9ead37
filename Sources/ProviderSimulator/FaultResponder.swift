import Foundation
import Hummingbird

/// Which error body shape to use when a fault answers.
enum APIFamily: Sendable {
    case segmind
    case aiml
}

/// Turns a fired fault into an answer; nil means "carry on normally" (after any delay).
enum FaultResponder {
    static func respond(
        _ rule: FaultRule, family: APIFamily, now: Date, context: SimContext
    ) async -> Response? {
        let message: String
        let status: HTTPResponse.Status
        var headers: HTTPFields = [:]
        switch rule.fault {
        case .slow:
            try? await Task.sleep(for: .seconds(rule.delaySeconds ?? 5))
            return nil
        case .connectionReset:
            await context.dropConnection()
            return Response(status: .internalServerError)
        case .truncated:
            let announced = 64 * 1024
            return Response(status: .ok, headers: [.contentType: "video/mp4"],
                            body: ResponseBody(contentLength: announced) { writer in
                                try await writer.write(ByteBuffer(repeating: 0, count: announced / 2))
                                await context.dropConnection()
                            })
        case .badGateway:
            return Reply.html(.badGateway)
        case .gatewayTimeout:
            return Reply.html(.gatewayTimeout)
        case .unauthorized:
            (status, message) = (.unauthorized, "Unauthorized: invalid or missing API key")
        case .forbidden:
            (status, message) = (.forbidden, family == .aiml ? "Forbidden: credits exhausted" : "Forbidden: this model is not available to your team")
        case .notEnoughCredits:
            (status, message) = (.notAcceptable, "Not enough credits")
        case .rateLimited:
            let resetAt = now.addingTimeInterval(rule.resetAfterSeconds ?? 2)
            headers[.rateLimitResetAt] = resetAt.formatted(.iso8601)
            (status, message) = (.tooManyRequests, "Rate limit exceeded, try again after the reset time")
        case .serverError:
            (status, message) = (.internalServerError, "Internal server error")
        }
        return error(status, message, family: family, headers: headers)
    }

    static func error(_ status: HTTPResponse.Status, _ message: String, family: APIFamily, headers: HTTPFields = [:]) -> Response {
        switch family {
        case .segmind:
            return Reply.segmindError(status, message, headers: headers)
        case .aiml:
            let body = AimlErrorBody(statusCode: Int(status.code), message: message, error: .init(name: status.reasonPhrase, message: message))
            return Reply.json(body, status: status, headers: headers)
        }
    }
}

/// AI/ML's error shape (NestJS style, with the `{name, message}` error object its job errors use).
struct AimlErrorBody: Codable, Sendable {
    struct Detail: Codable, Sendable {
        var name: String
        var message: String
    }
    var statusCode: Int
    var message: String
    var error: Detail
}
