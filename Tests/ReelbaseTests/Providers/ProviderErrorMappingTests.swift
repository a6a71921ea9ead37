import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing

@testable import Reelbase

/// The pure mapping: HTTP status + body + call → kind, exactly as docs/ARCHITECTURE.md ("Providers") says.
@Suite struct ProviderErrorMappingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var api: ProviderAPI
        var call: ProviderCall
        var status: Int
        var body: String
        var contentType = "application/json"
        var expected: ProviderError.Kind
        var testDescription: String { "\(api.rawValue) \(call) \(status) \(body.prefix(40)) → \(expected.code)" }
    }

    static let json = "application/json"
    static let html = "text/html"
    static let cases: [Case] = [
        // Segmind, submit (POST: billable)
        Case(api: .segmindV2, call: .submit, status: 400, body: #"{"error":"bad duration"}"#, expected: .invalidRequest),
        Case(api: .segmindV2, call: .submit, status: 401, body: #"{"error":"Invalid API key"}"#, expected: .auth),
        Case(api: .segmindV2, call: .submit, status: 403, body: #"{"error":"model not allowed for team"}"#, expected: .auth),
        Case(api: .segmindV2, call: .submit, status: 404, body: #"{"error":"model not found"}"#, expected: .invalidRequest),
        Case(api: .segmindV2, call: .submit, status: 405, body: "<html><body>Method Not Allowed</body></html>", contentType: html, expected: .invalidRequest),
        Case(api: .segmindV2, call: .submit, status: 406, body: #"{"error":"Not enough credits"}"#, expected: .insufficientCredits),
        Case(api: .segmindV2, call: .submit, status: 406, body: #"{"message":"Team spend limit reached"}"#, expected: .insufficientCredits),
        Case(api: .segmindV2, call: .submit, status: 406, body: #"{"error":"Unsupported Content-Type: text/plain"}"#, expected: .invalidRequest),
        Case(api: .segmindV1, call: .submit, status: 410, body: #"{"error":"model retired"}"#, expected: .invalidRequest),
        Case(api: .segmindV2, call: .submit, status: 422, body: #"{"error":"validation"}"#, expected: .invalidRequest),
        Case(api: .segmindV2, call: .submit, status: 500, body: #"{"error":"invalid value for fps"}"#, expected: .transient),
        Case(api: .segmindV2, call: .submit, status: 500, body: "<html>Internal Server Error</html>", contentType: html, expected: .ambiguous),
        Case(api: .segmindV2, call: .submit, status: 502, body: "<html>Bad Gateway</html>", contentType: html, expected: .ambiguous),
        Case(api: .segmindV1, call: .submit, status: 504, body: "<html>Gateway Timeout</html>", contentType: html, expected: .ambiguous),
        Case(api: .segmindV2, call: .submit, status: 503, body: "", contentType: "", expected: .transient),
        // Segmind, reads (GET: always safe)
        Case(api: .segmindV2, call: .read, status: 401, body: #"{"error":"Invalid API key"}"#, expected: .auth),
        Case(api: .segmindV2, call: .read, status: 404, body: #"{"error":"request not found"}"#, expected: .expired),
        Case(api: .segmindV2, call: .read, status: 422, body: #"{"status":"FAILED","error":"blocked"}"#, expected: .failed),
        Case(api: .segmindV2, call: .read, status: 500, body: "<html>oops</html>", contentType: html, expected: .transient),
        Case(api: .segmindV2, call: .read, status: 502, body: "<html>Bad Gateway</html>", contentType: html, expected: .transient),
        Case(api: .segmindV2, call: .read, status: 504, body: "<html>Gateway Timeout</html>", contentType: html, expected: .transient),
        // AI/ML
        Case(api: .aimlapi, call: .submit, status: 400, body: #"{"message":"prompt required"}"#, expected: .invalidRequest),
        Case(api: .aimlapi, call: .submit, status: 401, body: #"{"message":"unauthorized"}"#, expected: .auth),
        Case(api: .aimlapi, call: .submit, status: 403, body: #"{"message":"forbidden"}"#, expected: .insufficientCredits),
        Case(api: .aimlapi, call: .submit, status: 503, body: #"{"message":"overloaded"}"#, expected: .transient),
        Case(api: .aimlapi, call: .submit, status: 500, body: #"{"message":"boom"}"#, expected: .transient),
        Case(api: .aimlapi, call: .read, status: 404, body: #"{"message":"not found"}"#, expected: .expired),
        Case(api: .aimlapi, call: .read, status: 503, body: "", contentType: "", expected: .transient),
    ]

    @Test(arguments: cases)
    func mapsStatusBodyAndCall(_ testCase: Case) {
        let response = ProviderHTTPResponse(
            status: testCase.status, headers: HTTPHeaders([("content-type", testCase.contentType)]),
            body: Data(testCase.body.utf8))
        let error = ProviderErrorMapping.classify(response, call: testCase.call, api: testCase.api)
        #expect(error.kind == testCase.expected)
        #expect(error.httpStatus == testCase.status)
        #expect(!error.message.isEmpty)
    }

    @Test func rateLimitReadsResetHeader() {
        let headers = HTTPHeaders([("content-type", "application/json"), ("x-rate-limit-reset-at-utc", "2030-01-02T03:04:05Z")])
        let response = ProviderHTTPResponse(status: 429, headers: headers, body: Data(#"{"error":"slow down"}"#.utf8))
        let error = ProviderErrorMapping.classify(response, call: .submit, api: .segmindV2)
        // Given to the second: the end of that second, so a retry is never early.
        #expect(error.kind == .rateLimited(resetAt: Date(timeIntervalSince1970: 1_893_553_446)))
        #expect(error.message == "slow down")
    }

    @Test func aResetTimeWithFractionsIsTakenAsGiven() {
        let headers = HTTPHeaders([("x-rate-limit-reset-at-utc", "2030-01-02T03:04:05.250Z")])
        #expect(RateLimitReset.date(from: headers, now: Date()) == Date(timeIntervalSince1970: 1_893_553_445.25))
    }

    @Test func rateLimitWithoutResetHeader() {
        let response = ProviderHTTPResponse(status: 429, headers: HTTPHeaders(), body: Data())
        #expect(ProviderErrorMapping.classify(response, call: .read, api: .aimlapi).kind == .rateLimited(resetAt: nil))
    }

    @Test(arguments: [
        ("2030-01-02T03:04:05Z", 1_893_553_445.0), ("2030-01-02T03:04:05.500Z", 1_893_553_445.5),
        ("2030-01-02 03:04:05", 1_893_553_445.0), ("1893553445", 1_893_553_445.0), ("1893553445000", 1_893_553_445.0),
    ])
    func resetHeaderFormats(_ raw: String, _ epoch: Double) {
        #expect(RateLimitReset.parse(raw) == Date(timeIntervalSince1970: epoch))
    }

    @Test func messagesFromEveryBodyShape() {
        func message(_ body: String, _ type: String = "application/json") -> String {
            ProviderErrorMapping.providerMessage(
                ProviderHTTPResponse(status: 400, headers: HTTPHeaders([("content-type", type)]), body: Data(body.utf8)))
        }
        #expect(message(#"{"error":{"name":"bad","message":"duration must be 4, 6 or 8"}}"#) == "duration must be 4, 6 or 8")
        #expect(message(#"{"detail":[{"msg":"field required"}]}"#) == "field required")
        #expect(message("<html>\n<h1>405 Not Allowed</h1></html>", "text/html") == "HTTP 400 with a HTML body: <html> <h1>405 Not Allowed</h1></html>")
        #expect(message("") == "HTTP 400 with an empty body")
    }

    @Test func transportErrorsOnPostAreAmbiguousUnlessNothingLeft() {
        let reset = TransportErrorMapping.classify(HTTPClientError.remoteConnectionClosed, call: .submit, api: .segmindV2)
        #expect(reset.kind == .ambiguous)
        #expect(reset.httpStatus == nil)
        let resetOnGet = TransportErrorMapping.classify(HTTPClientError.remoteConnectionClosed, call: .read, api: .segmindV2)
        #expect(resetOnGet.kind == .transient)
        let notSent = TransportErrorMapping.classify(HTTPClientError.connectTimeout, call: .submit, api: .aimlapi)
        #expect(notSent.kind == .transient)
        let timeout = TransportErrorMapping.classify(HTTPClientError.deadlineExceeded, call: .submit, api: .segmindV1)
        #expect(timeout.kind == .ambiguous)
    }
}
