import Foundation
import Hummingbird

/// `POST /storyboards/{id}/generate[?dry_run=true]` and `POST /storyboards/{id}/resume`.
extension StoryboardController {
    struct RunAnswer: ResponseEncodable, Codable {
        let dry_run: Bool
        let shots: Int
        let takes: Int
        let estimate_usd: Decimal
        let storyboard: Storyboard?
    }

    @Sendable func generate(_ request: Request, context: ViewerContext) async throws -> EditedResponse<RunAnswer> {
        let identity = context.identity
        let id = try context.pathID("id", "storyboard")
        if try request.queryBool("dry_run") ?? false {
            guard let board = try await storyboards.find(team: identity.teamID, id: id, withShots: true) else { throw AppError.notFound("storyboard") }
            let estimate = try await runs.estimate(board, team: identity.teamID)
            return EditedResponse(status: .ok, response: RunAnswer(dry_run: true, shots: estimate.shots, takes: estimate.takes,
                                                                   estimate_usd: estimate.total, storyboard: nil))
        }
        // Only a real run spends; a dry run is a price quote any member may ask for.
        _ = try context.atLeast(EditorLevel.self)
        let estimate = try await runs.generate(team: identity.teamID, id: id, identity: identity, ip: context.clientIP)
        return try await accepted(estimate, id: id, team: identity.teamID, context)
    }

    @Sendable func resume(_ request: Request, context: EditorContext) async throws -> EditedResponse<RunAnswer> {
        let identity = context.identity
        let id = try context.pathID("id", "storyboard")
        let estimate = try await runs.resume(team: identity.teamID, id: id, identity: identity, ip: context.clientIP)
        return try await accepted(estimate, id: id, team: identity.teamID, context)
    }

    private func accepted(_ estimate: StoryboardRuns.Estimate, id: UUID, team: UUID, _ context: some RequestContext) async throws -> EditedResponse<RunAnswer> {
        EditedResponse(status: .accepted, response: RunAnswer(dry_run: false, shots: estimate.shots, takes: estimate.takes, estimate_usd: estimate.total,
                                                              storyboard: try await current(team, context)))
    }
}
