import Foundation
import Hummingbird

/// `GET /me`: who the caller is, in which team, with which role.
struct MeController {
    let teams: TeamRepository
    let demoMode: Bool

    struct Me: ResponseEncodable, Decodable {
        struct User: Codable { let id: UUID; let email: String; let name: String? }
        let team: TeamInfo
        let role: Role
        let user: User?
        let api_key_id: UUID?
        let auth: String
        /// True when no real provider key is configured and generations go to the simulator.
        let demo_mode: Bool
    }
    struct TeamInfo: Codable { let id: UUID; let name: String }

    func addRoutes(to gates: Gates) {
        gates.viewer.get("me", use: me)
    }

    @Sendable func me(_ request: Request, context: ViewerContext) async throws -> Me {
        let identity = context.identity
        var user: Me.User?
        if let id = identity.userID, let found = try await teams.user(id) { user = .init(id: id, email: found.email, name: found.name) }
        let keyID: UUID? = if case .apiKey(let id, _) = identity.actor { id } else { nil }
        return Me(team: TeamInfo(id: identity.teamID, name: try await teams.name(of: identity.teamID)), role: identity.role,
                  user: user, api_key_id: keyID, auth: keyID == nil ? "session" : "api_key", demo_mode: demoMode)
    }
}
