import HTTPTypes
import Hummingbird

/// Security headers on every response, the dashboard's files and the API's errors alike.
/// A response that set its own policy (a blob: `sandbox`) keeps it.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppContext

    /// The dashboard loads only its own files: no inline script or style, no framing, no plugins.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        + "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Only when the instance is served over https (`REELBASE_PUBLIC_URL`): HSTS over plain http
    /// is ignored by browsers at best and locks out a local setup at worst.
    let strictTransportSecurity: Bool

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        func setIfAbsent(_ name: HTTPField.Name, _ value: String) {
            if response.headers[name] == nil { response.headers[name] = value }
        }
        setIfAbsent(.contentSecurityPolicy, Self.contentSecurityPolicy)
        setIfAbsent(.xContentTypeOptions, "nosniff")
        setIfAbsent(.referrerPolicy, "no-referrer")
        setIfAbsent(.xFrameOptions, "DENY")
        setIfAbsent(.crossOriginOpenerPolicy, "same-origin")
        if strictTransportSecurity { setIfAbsent(.strictTransportSecurity, "max-age=31536000; includeSubDomains") }
        return response
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
}
