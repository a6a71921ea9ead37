import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// Whether a call can bill. A submit is a POST with no idempotency key: once its bytes may have
/// left, a failure is `ambiguous`. A read is a GET: every failure of it is safe to retry.
enum ProviderCall: Sendable, Equatable {
    case submit
    case read
}

/// A provider response as received: status, headers, the (size-capped) body.
struct ProviderHTTPResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    var contentType: String { headers.first(name: "content-type")?.lowercased() ?? "" }
}

/// The one place that turns a non-2xx provider response into a `ProviderError` (docs/ARCHITECTURE.md, "Providers").
enum ProviderErrorMapping {
    static func classify(
        _ response: ProviderHTTPResponse, call: ProviderCall, api: ProviderAPI, now: Date = Date()
    ) -> ProviderError {
        let message = providerMessage(response)
        let kind = kind(status: response.status, message: message, response: response, call: call, api: api, now: now)
        return ProviderError(kind: kind, api: api, httpStatus: response.status, message: message)
    }

    static func kind(
        status: Int, message: String, response: ProviderHTTPResponse, call: ProviderCall, api: ProviderAPI,
        now: Date
    ) -> ProviderError.Kind {
        let text = message.lowercased()
        switch status {
        case 401:
            return .auth
        case 403 where api == .aimlapi:
            return .insufficientCredits  // AI/ML uses 403 for "credits exhausted"
        case 403:
            // Segmind: a team or model restriction on this key, unless it is about money.
            return mentionsCredits(text) ? .insufficientCredits : .auth
        case 404:
            // On a POST the model is unknown; on a GET the request id is unknown or expired.
            return call == .submit ? .invalidRequest : .expired
        case 406:
            // Segmind's 406 is "not enough credits" (and a team spend limit), except when it
            // complains about the request's Content-Type.
            return mentionsContentType(text) ? .invalidRequest : .insufficientCredits
        case 422:
            return call == .submit ? .invalidRequest : .failed
        case 429:
            return .rateLimited(resetAt: RateLimitReset.date(from: response.headers, now: now))
        case 400..<500:
            return .invalidRequest  // 400, 405 (HTML body), 410 retired model, ...
        case 503:
            return .transient  // the provider refused the work: nothing was accepted
        case 500 where call == .submit:
            // A JSON 500 is the provider's own answer: the request was rejected, not billed.
            // Anything else (an HTML page from a proxy) may hide a request that went through.
            return isJSONObject(response.body) ? .transient : .ambiguous
        case 500..<600:
            // 502/504: the provider may still be working on the POST; a GET is safe to repeat.
            return call == .submit ? .ambiguous : .transient
        default:
            return call == .submit ? .ambiguous : .transient
        }
    }

    /// The provider's message, whatever shape it came in, cut to a readable length.
    static func providerMessage(_ response: ProviderHTTPResponse) -> String {
        if let message = ProviderJSON.decode(response.body)?.message {
            return truncate(message)
        }
        let text = String(decoding: response.body, as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if text.isEmpty { return "HTTP \(response.status) with an empty body" }
        let kind = response.contentType.contains("html") ? "HTML" : "non-JSON"
        return "HTTP \(response.status) with a \(kind) body: \(truncate(text))"
    }

    static func mentionsContentType(_ text: String) -> Bool {
        text.contains("content-type") || text.contains("content type") || text.contains("media type")
    }

    static func mentionsCredits(_ text: String) -> Bool {
        text.contains("credit") || text.contains("spend limit") || text.contains("balance")
    }

    private static func isJSONObject(_ body: Data) -> Bool {
        if case .object = ProviderJSON.decode(body) { return true }
        return false
    }

    private static func truncate(_ text: String, limit: Int = 300) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}

/// When a 429 may be retried. Segmind sends `x-rate-limit-reset-at-utc` (format unconfirmed:
/// ISO 8601 or epoch seconds are both accepted); `Retry-After` seconds is a fallback.
enum RateLimitReset {
    static func date(from headers: HTTPHeaders, now: Date) -> Date? {
        if let value = headers.first(name: "x-rate-limit-reset-at-utc"), let date = parse(value) {
            // A time given to the second stands for any instant of that second: wait for its
            // end, or the retry can land just before the provider's real reset and be refused again.
            let seconds = date.timeIntervalSince1970
            return seconds.rounded(.down) == seconds ? date.addingTimeInterval(1) : date
        }
        if let value = headers.first(name: "retry-after"), let seconds = TimeInterval(value.trimmingCharacters(in: .whitespaces)) {
            return now.addingTimeInterval(seconds)
        }
        return nil
    }

    static func parse(_ raw: String) -> Date? {
        let value = raw.trimmingCharacters(in: .whitespaces)
        if let epoch = Double(value) {
            return Date(timeIntervalSince1970: epoch > 100_000_000_000 ? epoch / 1000 : epoch)
        }
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime],
        ] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: value) { return date }
        }
        // "2025-01-01 12:00:00" or an ISO date without a zone: the header name says UTC.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.SSSSSS", "EEE, dd MMM yyyy HH:mm:ss zzz"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) { return date }
        }
        return nil
    }
}
