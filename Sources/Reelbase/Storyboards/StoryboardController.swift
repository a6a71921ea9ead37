import Foundation
import Hummingbird

/// `/campaigns/{id}/storyboards` and `/storyboards/{id}…`: viewers read, editors change and run.
/// Generate and resume are in `StoryboardController+Run.swift`.
struct StoryboardController {
    let storyboards: StoryboardRepository
    let shots: ShotPlanner
    let runs: StoryboardRuns

    func addRoutes(to gates: Gates) {
        gates.viewer.get("campaigns/:id/storyboards", use: list).get("storyboards/:id", use: show)
        gates.editor.post("campaigns/:id/storyboards", use: create).patch("storyboards/:id", use: update).delete("storyboards/:id", use: delete)
        gates.editor.post("storyboards/:id/shots", use: addShot).patch("storyboards/:id/shots/:shot_id", use: updateShot)
        gates.editor.delete("storyboards/:id/shots/:shot_id", use: deleteShot).post("storyboards/:id/shots/:shot_id/duplicate", use: duplicate)
        gates.editor.put("storyboards/:id/shot-order", use: reorder).put("storyboards/:id/shots/:shot_id/chosen-take", use: choose)
        gates.viewer.post("storyboards/:id/generate", use: generate)  // a dry run is a quote; a real one asks for an editor itself
        gates.editor.post("storyboards/:id/resume", use: resume)
    }

    @Sendable func list(_ request: Request, context: ViewerContext) async throws -> Page<Storyboard> {
        let team = context.identity.teamID
        let campaign = try context.pathID("id", "campaign")
        let limit = try request.pageLimit()
        let rows = try await storyboards.list(team: team, campaign: campaign, after: try request.listCursor(), limit: limit)
        if rows.isEmpty, try await !storyboards.campaignExists(team: team, id: campaign) { throw AppError.notFound("campaign") }
        return Page(rows: rows, limit: limit)
    }

    @Sendable func create(_ request: Request, context: EditorContext) async throws -> EditedResponse<Storyboard> {
        let identity = context.identity
        let campaign = try context.pathID("id", "campaign")
        let body = try await request.decode(as: NewStoryboard.self, context: context)
        guard let board = try await storyboards.create(team: identity.teamID, campaign: campaign, body, identity: identity, ip: context.clientIP) else {
            throw AppError.notFound("campaign")
        }
        return EditedResponse(status: .created, response: board)
    }

    @Sendable func show(_ request: Request, context: ViewerContext) async throws -> Storyboard {
        try await current(context.identity.teamID, context)
    }

    @Sendable func update(_ request: Request, context: EditorContext) async throws -> Storyboard {
        let identity = context.identity
        let body = try await request.decode(as: StoryboardChanges.self, context: context)
        guard try await storyboards.update(team: identity.teamID, id: try context.pathID("id", "storyboard"), body,
                                           actor: AuditActor(identity, ip: context.clientIP)) != nil else { throw AppError.notFound("storyboard") }
        return try await current(identity.teamID, context)
    }

    @Sendable func delete(_ request: Request, context: EditorContext) async throws -> Response {
        let identity = context.identity
        guard try await storyboards.delete(team: identity.teamID, id: try context.pathID("id", "storyboard"),
                                           actor: AuditActor(identity, ip: context.clientIP)) else { throw AppError.notFound("storyboard") }
        return Response(status: .noContent)
    }

    // MARK: shots

    @Sendable func addShot(_ request: Request, context: EditorContext) async throws -> EditedResponse<Shot> {
        let identity = context.identity
        let board = try await current(identity.teamID, context, withShots: false)
        let input = try await request.decode(as: ShotInput.self, context: context)
        let definition = try ShotDefinition(new: input)
        _ = try await shots.plan(definition, campaign: board.campaign_id, team: identity.teamID)
        guard let shot = try await storyboards.addShot(team: identity.teamID, storyboard: board.id, definition, position: input.position,
                                                       actor: AuditActor(identity, ip: context.clientIP)) else { throw AppError.notFound("storyboard") }
        return EditedResponse(status: .created, response: shot)
    }

    @Sendable func updateShot(_ request: Request, context: EditorContext) async throws -> Shot {
        let identity = context.identity
        let board = try await current(identity.teamID, context, withShots: false)
        let shotID = try context.pathID("shot_id", "shot")
        guard let existing = try await storyboards.shot(team: identity.teamID, storyboard: board.id, id: shotID) else { throw AppError.notFound("shot") }
        let input = try await request.decode(as: ShotInput.self, context: context)
        if input.position != nil { throw AppError.validation("Move shots with `PUT /storyboards/{id}/shot-order`.", details: ["position": "not changeable here"]) }
        let definition = ShotDefinition(existing).applying(input)
        _ = try await shots.plan(definition, campaign: board.campaign_id, team: identity.teamID)
        guard let shot = try await storyboards.updateShot(team: identity.teamID, storyboard: board.id, id: shotID, definition,
                                                          actor: AuditActor(identity, ip: context.clientIP)) else { throw AppError.notFound("shot") }
        return shot
    }

    @Sendable func deleteShot(_ request: Request, context: EditorContext) async throws -> Response {
        let identity = context.identity
        guard try await storyboards.deleteShot(team: identity.teamID, storyboard: try context.pathID("id", "storyboard"),
                                               id: try context.pathID("shot_id", "shot"), actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("shot")
        }
        return Response(status: .noContent)
    }

    @Sendable func duplicate(_ request: Request, context: EditorContext) async throws -> EditedResponse<Shot> {
        let identity = context.identity
        guard let shot = try await storyboards.duplicateShot(team: identity.teamID, storyboard: try context.pathID("id", "storyboard"),
                                                             id: try context.pathID("shot_id", "shot"), actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("shot")
        }
        return EditedResponse(status: .created, response: shot)
    }

    @Sendable func reorder(_ request: Request, context: EditorContext) async throws -> Storyboard {
        let identity = context.identity
        let body = try await request.decode(as: ShotOrder.self, context: context)
        guard try await storyboards.reorder(team: identity.teamID, storyboard: try context.pathID("id", "storyboard"), ids: body.shot_ids,
                                            actor: AuditActor(identity, ip: context.clientIP)) else { throw AppError.notFound("storyboard") }
        return try await current(identity.teamID, context)
    }

    /// A person picks the take the next shot continues from (and a cut uses).
    @Sendable func choose(_ request: Request, context: EditorContext) async throws -> Shot {
        let identity = context.identity
        let board = try context.pathID("id", "storyboard"), shotID = try context.pathID("shot_id", "shot")
        let body = try await request.decode(as: ChosenTake.self, context: context)
        switch try await storyboards.choose(team: identity.teamID, storyboard: board, shot: shotID, generation: body.generation_id,
                                            actor: AuditActor(identity, ip: context.clientIP)) {
        case .notFound: throw AppError.notFound("shot")
        case .notATake: throw AppError.validation("`generation_id` is not one of this shot's current takes.", details: ["generation_id": "not a take of this shot"])
        case .notSucceeded: throw AppError.conflict("Only a succeeded take can be chosen.")
        case .chosen:
            try await runs.wake(storyboard: board, team: identity.teamID)
            guard let shot = try await storyboards.shot(team: identity.teamID, storyboard: board, id: shotID) else { throw AppError.notFound("shot") }
            return shot
        }
    }

    /// The storyboard in the path (404 for another team's), with its shots.
    func current(_ team: UUID, _ context: some RequestContext, withShots: Bool = true) async throws -> Storyboard {
        guard let board = try await storyboards.find(team: team, id: try context.pathID("id", "storyboard"), withShots: withShots) else {
            throw AppError.notFound("storyboard")
        }
        return board
    }
}
