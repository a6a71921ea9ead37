import Foundation
import Hummingbird

/// `GET /members` (anyone in the team), `POST /members` (owners).
struct MemberController {
    let teams: TeamRepository

    struct AddMember: Decodable {
        let email: String
        let role: Role
        let name: String?
        let password: String?
    }

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("members", use: list).post("members", use: add)
    }

    @Sendable func list(_ request: Request, context: AppContext) async throws -> Page<Member> {
        let identity = try context.requireIdentity()
        return Page(data: try await teams.members(team: identity.teamID), next_cursor: nil)
    }

    @Sendable func add(_ request: Request, context: AppContext) async throws -> EditedResponse<TeamRepository.Added> {
        let identity = try context.requireIdentity()
        try identity.require(.owner, to: "add members")
        let body = try await request.decode(as: AddMember.self, context: context)
        if let password = body.password, password.count < 10 { throw AppError.validation("`password` must be at least 10 characters.") }
        let added = try await teams.addMember(team: identity.teamID, email: body.email, name: body.name, role: body.role,
                                              password: body.password, actor: AuditActor(identity, ip: context.clientIP))
        return EditedResponse(status: .created, response: added)
    }
}

extension TeamRepository.Added: ResponseEncodable {}
