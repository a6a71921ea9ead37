import Foundation
import Hummingbird
import Logging

/// Gives every request an id (the caller's `X-Request-Id` when it is sane), puts it on the
/// logger and the response, and turns every thrown error into the API's one error shape.
struct RequestMiddleware: RouterMiddleware {
    typealias Context = AppContext
    var trustForwardedFor = false

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var context = context
        let incoming = request.headers[.requestID] ?? ""
        let id = (1...128).contains(incoming.count) && incoming.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
            ? incoming : UUID().uuidString.lowercased()
        context.requestID = id
        if trustForwardedFor, let forwarded = request.headers[.xForwardedFor]?.split(separator: ",").last {
            context.clientIP = forwarded.trimmingCharacters(in: .whitespaces)
        }
        context.logger[metadataKey: "request_id"] = .string(id)
        var response: Response
        do {
            // PostgreSQL text cannot hold U+0000: refuse it here, once, for every route.
            if NulGuard.uriHasNul(request.uri.description) { throw NulGuard.refusal("the URL") }
            response = try await next(request, context)
        } catch {
            if let appError = AppError.from(error) {
                if appError.status.code >= 500 { context.logger.error("request failed", metadata: ["error": "\(appError.code)"]) }
                response = try appError.response(requestID: id)
            } else {
                // Unknown errors are logged with their type only: their text may carry SQL or secrets.
                context.logger.error("unhandled error", metadata: ["error_type": "\(type(of: error))", "error": "\(String(describing: error).prefix(500))"])
                response = try AppError(.internalServerError, "internal", "Something went wrong on our side; quote request id \(id).").response(requestID: id)
            }
        }
        // The gateway names its own request (the generation), as Segmind's x-request-id does.
        if response.headers[.requestID] == nil { response.headers[.requestID] = id }
        return response
    }
}
