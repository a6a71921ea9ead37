import Foundation
import Hummingbird

/// `/share-links`: make (editor), list (viewer) and revoke (editor) links for clients.
struct ShareLinkController {
    let links: ShareLinkRepository
    let auth: AuthRepository
    /// `REELBASE_PUBLIC_URL` without a trailing slash, or nil: the link's `url` is then null.
    let publicBase: String?

    func addRoutes(to gates: Gates) {
        gates.viewer.get("share-links", use: list).get("share-links/:id", use: show)
        gates.editor.post("share-links", use: create).delete("share-links/:id", use: revoke)
    }

    @Sendable func create(_ request: Request, context: EditorContext) async throws -> EditedResponse<CreatedShareLink> {
        let identity = context.identity
        let input = try await request.decode(as: ShareLinkInput.self, context: context)
        let takes = try input.takes()
        let (title, days, password) = (try input.validatedTitle(), try input.lifetimeDays(), try input.validatedPassword())
        let hash = try await password.asyncMap { try await auth.hashPassword($0) }
        switch try await links.create(team: identity.teamID, kind: input.kind, takes: takes, campaign: input.campaign_id, cut: input.cut, title: title, days: days,
                                      passwordHash: hash, createdBy: identity.userID, actor: AuditActor(identity, ip: context.clientIP)) {
        case .created(let link, let token):
            let path = "/s/\(token)"
            return EditedResponse(status: .created, response: CreatedShareLink(link: link, token: token, path: path, url: publicBase.map { $0 + path }))
        case .takeNotFound: throw AppError.notFound("generation")
        case .takeNotReady(let id, let state):
            throw AppError.conflict("Take \(id.uuidString.lowercased()) is \(state.rawValue); only finished takes with a video can be shared.")
        case .campaignNotFound: throw AppError.notFound("campaign")
        case .nothingApproved: throw AppError.conflict("This campaign has no approved takes yet; approve some first.")
        case .cutNotFound: throw AppError.notFound("cut")
        case .cutNotReady(let state): throw AppError.conflict("This cut is \(state.rawValue); only a ready cut can be shared.")
        }
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<ShareLink> {
        let limit = try request.pageLimit()
        let rows = try await links.list(team: context.identity.teamID, generation: try request.queryUUID("generation_id"),
                                        after: try request.listCursor(), limit: limit)
        return Page(rows: rows, limit: limit)
    }

    @Sendable func show(_ request: Request, context: ViewerContext) async throws -> ShareLink {
        guard let link = try await links.find(team: context.identity.teamID, id: try context.pathID("id", "share link")) else {
            throw AppError.notFound("share link")
        }
        return link
    }

    @Sendable func revoke(_ request: Request, context: EditorContext) async throws -> ShareLink {
        let identity = context.identity
        guard let link = try await links.revoke(team: identity.teamID, id: try context.pathID("id", "share link"),
                                                actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("share link")
        }
        return link
    }
}

extension AppConfig {
    /// `REELBASE_PUBLIC_URL` without its trailing slash, for absolute links.
    var publicBase: String? {
        publicURL.map { url in
            var text = url.absoluteString
            while text.hasSuffix("/") { text.removeLast() }
            return text
        }
    }
}
