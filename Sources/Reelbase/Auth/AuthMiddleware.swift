import Foundation
import Hummingbird

/// Authenticates every request under /api/v1 (bar sign-in): a Bearer API key or the session
/// cookie. Cookie-authenticated changes must carry the session's CSRF token.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let auth: AuthRepository
    static let cookieName = "reelbase_session"

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer "),
                  let identity = try await auth.identity(forAPIKey: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)) else {
                throw AppError.unauthenticated
            }
            context.identity = identity
        } else if let token = request.cookies[Self.cookieName]?.value {
            guard let identity = try await auth.identity(forSession: token) else { throw AppError.unauthenticated }
            if ![.get, .head, .options].contains(request.method) {
                let sent = request.headers[.csrfToken] ?? ""
                guard let expected = identity.csrfToken, Digests.constantTimeEqual(Data(sent.utf8), Data(expected.utf8)) else {
                    throw AppError(.forbidden, "csrf_failed", "Missing or wrong X-CSRF-Token header for a signed-in browser request.")
                }
            }
            context.identity = identity
        } else {
            throw AppError.unauthenticated
        }
        return try await next(request, context)
    }
}
