import Foundation
import Hummingbird

/// `/prompts` and their versions. Versions can only be appended: there is no route that
/// changes or removes one.
struct PromptController {
    let prompts: PromptRepository

    func addRoutes(to gates: Gates) {
        gates.viewer.get("prompts", use: list).get("prompts/:id", use: show).get("prompts/:id/versions", use: versions)
        gates.viewer.get("prompts/:id/versions/:version", use: version).get("prompt-versions/:id", use: versionByID)
        gates.editor.post("prompts", use: create).post("prompts/:id/versions", use: addVersion)
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<Prompt> {
        let identity = context.identity
        let limit = try request.pageLimit()
        let search = request.query("q").map { String($0.prefix(500)) }
        let rows = try await prompts.list(team: identity.teamID, search: search, campaign: try request.queryUUID("campaign_id"),
                                          after: try request.listCursor(), limit: limit)
        return Page(rows: rows, limit: limit)
    }

    @Sendable func create(_ request: Request, context: EditorContext) async throws -> EditedResponse<Prompt> {
        let identity = context.identity
        let body = try await request.decode(as: NewPrompt.self, context: context)
        let prompt = try await prompts.create(team: identity.teamID, body, createdBy: identity.userID, actor: AuditActor(identity, ip: context.clientIP))
        return EditedResponse(status: .created, response: prompt)
    }

    @Sendable func show(_ request: Request, context: ViewerContext) async throws -> Prompt {
        let identity = context.identity
        guard let prompt = try await prompts.find(team: identity.teamID, id: try context.pathID("id", "prompt")) else {
            throw AppError.notFound("prompt")
        }
        return prompt
    }

    @Sendable func addVersion(_ request: Request, context: EditorContext) async throws -> EditedResponse<PromptVersion> {
        let identity = context.identity
        let id = try context.pathID("id", "prompt")
        let body = try await request.decode(as: NewPromptVersion.self, context: context)
        guard let version = try await prompts.addVersion(team: identity.teamID, prompt: id, body, createdBy: identity.userID,
                                                         actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("prompt")
        }
        return EditedResponse(status: .created, response: version)
    }

    @Sendable func versions(_ request: Request, context: ViewerContext) async throws -> Page<PromptVersion> {
        let identity = context.identity
        let id = try context.pathID("id", "prompt")
        let limit = try request.pageLimit()
        var before: Int?
        if let cursor = request.query("cursor") {
            guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8), text.hasPrefix("v"),
                  let number = Int(text.dropFirst()) else { throw AppError.badRequest("`cursor` is not one this API gave out.") }
            before = number
        }
        guard try await prompts.find(team: identity.teamID, id: id) != nil else { throw AppError.notFound("prompt") }
        let rows = try await prompts.versions(team: identity.teamID, prompt: id, before: before, limit: limit)
        let shown = Array(rows.prefix(limit))
        let next = rows.count > limit ? shown.last.map { Data("v\($0.version)".utf8).base64EncodedString() } : nil
        return Page(data: shown, next_cursor: next)
    }

    /// `{version}` is a number or a label name (`/versions/production`).
    @Sendable func version(_ request: Request, context: ViewerContext) async throws -> PromptVersion {
        let identity = context.identity
        let id = try context.pathID("id", "prompt")
        let reference = context.parameters.get("version") ?? ""
        guard let version = try await prompts.version(team: identity.teamID, prompt: id, reference: reference) else {
            throw AppError.notFound("prompt version")
        }
        return version
    }

    /// A version by its own id, as seeds and generations refer to it.
    @Sendable func versionByID(_ request: Request, context: ViewerContext) async throws -> PromptVersion {
        let identity = context.identity
        guard let version = try await prompts.version(team: identity.teamID, id: try context.pathID("id", "prompt version")) else {
            throw AppError.notFound("prompt version")
        }
        return version
    }
}
