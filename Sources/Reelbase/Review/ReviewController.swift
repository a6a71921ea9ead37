import Foundation
import Hummingbird

/// `/generations/{id}/review` and `/generations/{id}/comments`: the team's side of reviewing a take.
struct ReviewController {
    let reviews: ReviewRepository

    func addRoutes(to gates: Gates) {
        gates.viewer.get("generations/:id/review", use: show)
        gates.editor.put("generations/:id/review", use: update).post("generations/:id/comments", use: comment)
    }

    @Sendable func show(_ request: Request, context: ViewerContext) async throws -> TakeReview {
        try await current(team: context.identity.teamID, id: try context.pathID("id", "generation"))
    }

    private func current(team: UUID, id: UUID) async throws -> TakeReview {
        guard let review = try await reviews.review(team: team, generation: id) else { throw AppError.notFound("generation") }
        return review
    }

    @Sendable func update(_ request: Request, context: EditorContext) async throws -> TakeReview {
        let identity = context.identity
        let id = try context.pathID("id", "generation")
        let input = try await request.decode(as: ReviewInput.self, context: context).validated()
        let change = try await reviews.update(team: identity.teamID, generation: id, rating: input.rating, verdict: input.verdict,
                                              by: try await reviews.reviewer(identity), actor: AuditActor(identity, ip: context.clientIP))
        _ = try change.value()
        return try await current(team: identity.teamID, id: id)
    }

    @Sendable func comment(_ request: Request, context: EditorContext) async throws -> EditedResponse<TakeComment> {
        let identity = context.identity
        let id = try context.pathID("id", "generation")
        let input = try await request.decode(as: CommentInput.self, context: context)
        let change = try await reviews.addComment(team: identity.teamID, generation: id, body: try input.text(), at: input.at_seconds,
                                                  by: try await reviews.reviewer(identity), actor: AuditActor(identity, ip: context.clientIP))
        return EditedResponse(status: .created, response: try change.value())
    }
}

extension ReviewRepository.Change {
    /// The value, or the API error a person (member or client) should see.
    func value() throws -> Value {
        switch self {
        case .done(let value): return value
        case .notFound: throw AppError.notFound("generation")
        case .notReviewable(let state): throw AppError.conflict("Only a finished take with a video can be reviewed; this one is \(state.rawValue).")
        case .outsideVideo(let duration):
            throw AppError.validation("`at_seconds` must be within the video (0 to \(duration.formatted(.number.precision(.fractionLength(0...3)))) s).")
        }
    }
}
