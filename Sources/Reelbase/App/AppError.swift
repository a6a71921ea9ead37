import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PostgresNIO
import ReelbaseCore

/// The one error the API speaks: `{"error": {"code": "...", "message": "...", "details": ...}}`.
public struct AppError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let details: [String: JSONValue]?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: [String: JSONValue]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public static func badRequest(_ message: String, details: [String: JSONValue]? = nil) -> AppError { .init(.badRequest, "bad_request", message, details: details) }
    public static func validation(_ message: String, details: [String: JSONValue]? = nil) -> AppError { .init(.unprocessableContent, "validation_failed", message, details: details) }
    public static let unauthenticated = AppError(.unauthorized, "unauthenticated", "Missing, malformed, expired or revoked credentials. Send `Authorization: Bearer <api key>` or sign in.")
    public static func forbidden(_ message: String) -> AppError { .init(.forbidden, "forbidden", message) }
    public static func notFound(_ what: String) -> AppError { .init(.notFound, "not_found", "\(what) not found") }
    public static func conflict(_ message: String) -> AppError { .init(.conflict, "conflict", message) }
    static let payloadTooLarge = AppError(.contentTooLarge, "payload_too_large", "The request body is larger than this endpoint accepts.")

    struct Body: Codable {
        struct Inner: Codable {
            let code: String
            let message: String
            let details: [String: JSONValue]?
            let request_id: String?
        }
        let error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try response(requestID: request.headers[.requestID])
    }

    func response(requestID: String?) throws -> Response {
        let body = Body(error: .init(code: code, message: message, details: details, request_id: requestID))
        let data = try JSONEncoder.api.encode(body)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if case .number(let seconds)? = details?["retry_after_seconds"] { headers[.retryAfter] = String(Int(seconds)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension AppError {
    /// Turns anything thrown by a handler into the API's error shape, without leaking internals.
    static func from(_ error: any Error) -> AppError? {
        switch error {
        case let error as AppError:
            return error
        case let error as PostgresTransactionError:
            return error.closureError.flatMap { from($0) }
        case is NIOTooManyBytesError:
            return .payloadTooLarge
        case let error as MoneyInputError:
            return error.isSyntax ? .badRequest(error.message) : .validation(error.message)
        case let error as DecodingError:
            return .badRequest("The request body is not valid: \(describe(error))")
        case let error as HTTPError:
            switch error.status {
            case .contentTooLarge: return .payloadTooLarge
            case .notFound: return AppError(.notFound, "not_found", "No such route.")
            case .methodNotAllowed: return AppError(.methodNotAllowed, "method_not_allowed", "This route does not accept that method.")
            case .badRequest: return .badRequest(error.body ?? "Bad request.")
            case .unsupportedMediaType: return AppError(.unsupportedMediaType, "unsupported_media_type", error.body ?? "Unsupported content type.")
            default: return AppError(error.status, "http_\(error.status.code)", error.body ?? error.status.reasonPhrase)
            }
        default:
            return nil
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "body" : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field `\(parent == "body" ? key.stringValue : parent + "." + key.stringValue)`"
        case .typeMismatch(let type, let context): return "`\(path(context))` should be \(type)"
        case .valueNotFound(let type, let context): return "`\(path(context))` should be \(type), not null"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not JSON" : "`\(path(context))`: \(context.debugDescription)"
        @unknown default: return "could not decode"
        }
    }
}

extension JSONEncoder {
    /// snake_case keys are spelled out in the types; dates are ISO-8601.
    static let api: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.iso8601WithFraction)
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension JSONDecoder {
    static let api: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

extension Date {
    /// Built once: every date of every response goes through it.
    private static let apiFormat = Date.ISO8601FormatStyle().year().month().day().time(includingFractionalSeconds: true)
        .timeZone(separator: .omitted)
    var iso8601WithFraction: String { Self.apiFormat.format(self) }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
