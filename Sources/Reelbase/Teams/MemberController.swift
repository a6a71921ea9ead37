import Foundation
import Hummingbird

/// `GET /members` (anyone in the team); `POST /members`, `PATCH /members/{id}` (role) and
/// `DELETE /members/{id}` (owners). The last owner can be neither demoted nor removed.
struct MemberController {
    let teams: TeamRepository

    struct AddMember: Decodable {
        let email: String
        let role: Role
        let name: String?
        let password: String?
    }

    struct ChangeRole: Decodable { let role: Role }

    func addRoutes(to gates: Gates) {
        gates.viewer.get("members", use: list)
        gates.owner.post("members", use: add).patch("members/:id", use: changeRole).delete("members/:id", use: remove)
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<Member> {
        Page(data: try await teams.members(team: context.identity.teamID), next_cursor: nil)
    }

    /// The answer is the same whether or not the email already has an account on this instance.
    @Sendable func add(_ request: Request, context: OwnerContext) async throws -> EditedResponse<TeamRepository.Added> {
        let identity = context.identity
        let body = try await request.decode(as: AddMember.self, context: context)
        var problems: [String: JSONValue] = [:]
        if (try? TeamRepository.validate(email: body.email)) == nil { problems["email"] = "not an email address (at most 254 characters)" }
        if let name = body.name, name.count > 200 { problems["name"] = "at most 200 characters" }
        if let password = body.password, !(10...1024).contains(password.utf8.count) { problems["password"] = "10 to 1024 bytes" }
        guard problems.isEmpty else { throw AppError.validation("The member is not valid.", details: problems) }
        let added = try await teams.addMember(team: identity.teamID, email: body.email, name: body.name, role: body.role,
                                              password: body.password, actor: AuditActor(identity, ip: context.clientIP))
        return EditedResponse(status: .created, response: added)
    }

    @Sendable func changeRole(_ request: Request, context: OwnerContext) async throws -> Member {
        let user = try context.pathID("id", "member")
        let body = try await request.decode(as: ChangeRole.self, context: context)
        guard let member = try await teams.changeRole(team: context.identity.teamID, user: user, to: body.role,
                                                      actor: AuditActor(context.identity, ip: context.clientIP)) else {
            throw AppError.notFound("member")
        }
        return member
    }

    /// Ends the person's sessions and revokes the keys they created in this team, in the same
    /// transaction: the next request with either is a 401.
    @Sendable func remove(_ request: Request, context: OwnerContext) async throws -> Response {
        let user = try context.pathID("id", "member")
        guard try await teams.removeMember(team: context.identity.teamID, user: user,
                                           actor: AuditActor(context.identity, ip: context.clientIP)) else {
            throw AppError.notFound("member")
        }
        return Response(status: .noContent)
    }
}

extension TeamRepository.Added: ResponseEncodable {}
extension Member: ResponseEncodable {}
