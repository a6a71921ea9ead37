import Foundation
import Hummingbird

/// `GET /team` (everyone in the team), `PATCH /team` (owners, audited): name and team budget.
struct TeamController {
    let teams: TeamRepository

    /// Absent fields stay; `budget_usd: null` removes the team budget.
    struct TeamChanges: Decodable {
        var name: String?
        var budget_usd: Patch<USD> = .absent

        enum CodingKeys: String, CodingKey { case name, budget_usd }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            budget_usd = try container.patch(USD.self, forKey: .budget_usd)
        }
    }

    func addRoutes(to gates: Gates) {
        gates.viewer.get("team", use: show)
        gates.owner.patch("team", use: update)
    }

    @Sendable func show(_ request: Request, context: ViewerContext) async throws -> TeamSettings {
        let identity = context.identity
        guard let settings = try await teams.settings(team: identity.teamID) else { throw AppError.notFound("team") }
        return settings
    }

    @Sendable func update(_ request: Request, context: OwnerContext) async throws -> TeamSettings {
        let identity = context.identity
        let body = try await request.decode(as: TeamChanges.self, context: context)
        let name = try body.name.map { try LibraryInput.name($0) }
        let budget = try body.budget_usd.map(\.value)
        if case .value(let value) = budget { _ = try LibraryInput.budget(value) }
        guard let settings = try await teams.updateSettings(team: identity.teamID, name: name, budget: budget,
                                                            actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("team")
        }
        return settings
    }
}

extension TeamSettings: ResponseEncodable {}
