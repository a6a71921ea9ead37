import Foundation
import Hummingbird

/// `/seeds`: keepers worth reusing. Viewers read; editors and owners save and delete.
struct SeedController {
    let seeds: SeedRepository

    func addRoutes(to gates: Gates) {
        gates.viewer.get("seeds", use: list).get("seeds/:id", use: show)
        gates.editor.post("seeds", use: create).delete("seeds/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<Seed> {
        let identity = context.identity
        let limit = try request.pageLimit()
        let filter = SeedRepository.Filter(promptVersion: try request.queryUUID("prompt_version_id"), prompt: try request.queryUUID("prompt_id"),
                                           model: request.query("model"), campaign: try request.queryUUID("campaign_id"))
        return Page(rows: try await seeds.list(team: identity.teamID, filter: filter, after: try request.listCursor(), limit: limit), limit: limit)
    }

    @Sendable func create(_ request: Request, context: EditorContext) async throws -> EditedResponse<Seed> {
        let identity = context.identity
        let body = try await request.decode(as: NewSeed.self, context: context)
        let seed = try await seeds.create(team: identity.teamID, body, createdBy: identity.userID, actor: AuditActor(identity, ip: context.clientIP))
        return EditedResponse(status: .created, response: seed)
    }

    @Sendable func show(_ request: Request, context: ViewerContext) async throws -> Seed {
        let identity = context.identity
        guard let seed = try await seeds.find(team: identity.teamID, id: try context.pathID("id", "seed")) else { throw AppError.notFound("seed") }
        return seed
    }

    @Sendable func delete(_ request: Request, context: EditorContext) async throws -> Response {
        let identity = context.identity
        let id = try context.pathID("id", "seed")
        guard try await seeds.delete(team: identity.teamID, id: id, actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("seed")
        }
        return Response(status: .noContent)
    }
}
