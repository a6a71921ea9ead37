import Foundation
import Hummingbird

/// `/campaigns`: viewers read, editors and owners create, change and archive.
struct CampaignController {
    let campaigns: CampaignRepository

    func addRoutes(to gates: Gates) {
        gates.viewer.get("campaigns", use: list).get("campaigns/:id", use: show)
        gates.editor.post("campaigns", use: create).patch("campaigns/:id", use: update)
        gates.editor.post("campaigns/:id/archive", use: archive).post("campaigns/:id/restore", use: restore)
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<Campaign> {
        let identity = context.identity
        let limit = try request.pageLimit()
        let rows = try await campaigns.list(team: identity.teamID, includeArchived: try request.queryBool("include_archived") ?? false,
                                            tag: request.query("tag"), after: try request.listCursor(), limit: limit)
        return Page(rows: rows, limit: limit)
    }

    @Sendable func create(_ request: Request, context: EditorContext) async throws -> EditedResponse<Campaign> {
        let identity = context.identity
        let body = try await request.decode(as: NewCampaign.self, context: context)
        let campaign = try await campaigns.create(team: identity.teamID, body, createdBy: identity.userID,
                                                  actor: AuditActor(identity, ip: context.clientIP))
        return EditedResponse(status: .created, response: campaign)
    }

    @Sendable func show(_ request: Request, context: ViewerContext) async throws -> Campaign {
        let identity = context.identity
        let id = try context.pathID("id", "campaign")
        guard let campaign = try await campaigns.find(team: identity.teamID, id: id) else { throw AppError.notFound("campaign") }
        return campaign
    }

    @Sendable func update(_ request: Request, context: EditorContext) async throws -> Campaign {
        let identity = context.identity
        let id = try context.pathID("id", "campaign")
        let body = try await request.decode(as: CampaignChanges.self, context: context)
        guard let campaign = try await campaigns.update(team: identity.teamID, id: id, body, mayRaiseBudget: identity.role == .owner, actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("campaign")
        }
        return campaign
    }

    @Sendable func archive(_ request: Request, context: EditorContext) async throws -> Campaign {
        try await setArchived(true, request, context)
    }

    @Sendable func restore(_ request: Request, context: EditorContext) async throws -> Campaign {
        try await setArchived(false, request, context)
    }

    private func setArchived(_ archived: Bool, _ request: Request, _ context: EditorContext) async throws -> Campaign {
        let identity = context.identity
        let id = try context.pathID("id", "campaign")
        guard let campaign = try await campaigns.setArchived(archived, team: identity.teamID, id: id,
                                                             actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("campaign")
        }
        return campaign
    }
}
