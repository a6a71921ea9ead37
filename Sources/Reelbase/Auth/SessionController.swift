import Foundation
import Hummingbird

/// Browser sign-in: a session cookie (HttpOnly, SameSite=Strict) plus a CSRF token the page
/// echoes in `X-CSRF-Token` on every change.
struct SessionController {
    let auth: AuthRepository
    let teams: TeamRepository
    let secureCookies: Bool

    struct SignInRequest: Decodable {
        let email: String
        let password: String
        let team_id: UUID?
    }

    struct SessionInfo: ResponseEncodable {
        let user_id: UUID
        let team_id: UUID
        let team_name: String
        let role: Role
        let csrf_token: String
    }

    func addPublicRoutes(to group: RouterGroup<AppContext>) {
        group.post("session", use: signIn)
    }

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.delete("session", use: signOut)
    }

    @Sendable func signIn(_ request: Request, context: AppContext) async throws -> Response {
        let body = try await request.decode(as: SignInRequest.self, context: context)
        let session = try await auth.signIn(email: body.email, password: body.password, team: body.team_id)
        let info = SessionInfo(user_id: session.user, team_id: session.team, team_name: try await teams.name(of: session.team),
                               role: session.role, csrf_token: session.csrf)
        var response = try info.response(from: request, context: context)
        let cookie = Cookie(name: AuthMiddleware.cookieName, value: session.token, maxAge: Int(AuthRepository.sessionLifetime),
                            path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
        response.setCookie(cookie)
        return response
    }

    @Sendable func signOut(_ request: Request, context: AppContext) async throws -> Response {
        if let token = request.cookies[AuthMiddleware.cookieName]?.value { try await auth.signOut(token: token) }
        var response = Response(status: .noContent)
        response.setCookie(Cookie(name: AuthMiddleware.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }
}
