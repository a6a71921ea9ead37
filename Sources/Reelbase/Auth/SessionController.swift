import Foundation
import Hummingbird

/// Browser sign-in: a session cookie (HttpOnly, SameSite=Strict) plus a CSRF token the page
/// echoes in `X-CSRF-Token` on every change.
struct SessionController {
    let auth: AuthRepository
    let teams: TeamRepository
    let signIns: SignInAudit
    let secureCookies: Bool

    struct SignInRequest: Decodable {
        let email: String
        let password: String
        let team_id: UUID?
    }

    struct SessionInfo: ResponseEncodable, Decodable {
        let user_id: UUID
        let team_id: UUID
        let team_name: String
        let role: Role
        let csrf_token: String
    }

    func addRoutes(to gates: Gates) {
        gates.open.post("session", use: signIn)
        gates.viewer.delete("session", use: signOut)
    }

    @Sendable func signIn(_ request: Request, context: AppContext) async throws -> Response {
        let body = try await request.decode(as: SignInRequest.self, context: context)
        var problems: [String] = []
        if body.email.isEmpty || body.email.count > 254 { problems.append("`email` must be 1 to 254 characters.") }
        if body.password.isEmpty || body.password.utf8.count > 1024 { problems.append("`password` must be 1 to 1024 bytes.") }
        if !problems.isEmpty { throw AppError.validation(problems.joined(separator: " "), details: ["problems": .array(problems.map(JSONValue.string))]) }
        let session: AuthRepository.SignIn
        do {
            session = try await auth.signIn(email: body.email, password: body.password, team: body.team_id, ip: context.clientIP)
        } catch let error as AppError where SignInAudit.recordedFailures.contains(error.code) {
            try await signIns.failed(email: body.email, reason: error.code, ip: context.clientIP)
            throw error
        }
        try await signIns.succeeded(user: session.user, team: session.team, ip: context.clientIP)
        let info = SessionInfo(user_id: session.user, team_id: session.team, team_name: try await teams.name(of: session.team),
                               role: session.role, csrf_token: session.csrf)
        var response = try info.response(from: request, context: context)
        let cookie = Cookie(name: AuthMiddleware.cookieName, value: session.token, maxAge: Int(AuthRepository.sessionLifetime),
                            path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
        response.setCookie(cookie)
        return response
    }

    @Sendable func signOut(_ request: Request, context: ViewerContext) async throws -> Response {
        if let token = request.cookies[AuthMiddleware.cookieName]?.value { try await auth.signOut(token: token) }
        var response = Response(status: .noContent)
        response.setCookie(Cookie(name: AuthMiddleware.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }
}
