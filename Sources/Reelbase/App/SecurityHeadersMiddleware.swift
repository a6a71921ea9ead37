import Hummingbird
import HTTPTypes

/// A strict Content-Security-Policy (and friends) on every response, so the dashboard cannot
/// run inline script or reach another host. NOTE for the merge: the `outbound` branch adds the
/// same policy in its own middleware; keep one of the two.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppContext

    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        + "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[HTTPField.Name("Content-Security-Policy")!] = Self.contentSecurityPolicy
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return response
    }
}
